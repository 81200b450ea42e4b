"""Persistence: SQLAlchemy 2 models, engine setup, migrations and the repository.

Only :mod:`annotator.store.repository` builds queries.
"""
