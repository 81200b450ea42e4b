"""Pure-Python domain: documents, spans, events, relations, schema, text rules.

Nothing in this package imports Qt or SQLAlchemy (checked by import-linter).
"""
