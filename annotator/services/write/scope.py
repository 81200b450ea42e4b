"""What a write transaction may lock on a server: the layers of a change, or the project.

Only :mod:`annotator.services.write.service` calls :func:`layers_only`.
"""

from __future__ import annotations

from annotator.core.change import Change


def layers_only(change: Change) -> frozenset[tuple[int, str]] | None:
    """The (document, annotator) layers ``change`` writes, if it writes nothing else.

    Then every row it reads to check itself and every row it writes belongs to one of
    these annotators' layers, or is read only: the schema, the documents, other layers'
    rows (refused by the checks as not its own). On a server the transaction locks these
    layers and shares the project's lock (ADR 0023). None: the change also writes the
    schema, adds, removes or restores a document, or writes gold (whose layer a project
    has one of); it locks the whole project, as does a change planned inside the
    transaction (:meth:`WriteService.apply_planned`), whose reads are not known ahead.
    """
    if change.gold or change.schema_after is not None:
        return None
    if change.documents() or change.new_documents:
        return None
    return frozenset(change.layers()) or None
