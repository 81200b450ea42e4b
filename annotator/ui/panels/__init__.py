"""The dock panels beside the text.

Documents, annotations, labels, event, relations, attributes and search.
"""
