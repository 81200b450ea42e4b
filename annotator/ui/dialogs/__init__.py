"""Dialogs.

Schema editor, import and export, the tag-all preview, progress, first-start questions.
"""
