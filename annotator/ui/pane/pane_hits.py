"""Hit-testing for the text pane: which drawn character lies under a viewport position.

Qt's own hit test (``QTextLine.xToCursor``) can be a character off on wrapped
right-to-left lines (see :func:`~annotator.ui.pane.span_painter.hit_shift`); these
functions correct it with the edges the text and the highlights are drawn with.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QTextBlock, QTextLine
from PySide6.QtWidgets import QPlainTextEdit

from annotator.core.positions import CodePoint
from annotator.ui.offsets import BlockOffsets, OffsetMap, QtBlockPos, QtPos
from annotator.ui.pane.span_painter import char_under, hit_shift


def block_offsets(offsets: OffsetMap, block: QTextBlock) -> BlockOffsets:
    """The converter for ``block``."""
    return offsets.block(QtPos(block.position()), block.length())


def line_at(pane: QPlainTextEdit, pos: QPointF) -> tuple[QTextBlock, int, QPointF] | None:
    """The block and line under viewport position ``pos``, with block-local coords.

    None between lines, and in the label band above a line.
    """
    block = pane.cursorForPosition(pos.toPoint()).block()
    if not block.isValid():
        return None
    origin = pane.blockBoundingGeometry(block).translated(pane.contentOffset()).topLeft()
    layout = block.layout()
    local = pos - origin
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        if line.y() <= local.y() < line.y() + line.height():
            return block, i, local
    return None


def hit_pos(pane: QPlainTextEdit, offsets: OffsetMap, text: str, pos: QPointF) -> QPointF:
    """``pos`` moved so that Qt's own hit test agrees with what is drawn."""
    found = line_at(pane, pos)
    if found is None:
        return pos
    block, i, _local = found
    shift = hit_shift(block.layout(), i, block_offsets(offsets, block), text)
    return pos + QPointF(shift, 0.0)


def char_at(pane: QPlainTextEdit, offsets: OffsetMap, text: str, pos: QPointF) -> CodePoint | None:
    """Code point of ``text`` drawn under viewport position ``pos``, or None."""
    found = line_at(pane, pos)
    if found is None:
        return None
    block, i, local = found
    conv = block_offsets(offsets, block)
    line = block.layout().lineAt(i)
    rect = line.naturalTextRect()
    if not rect.left() <= local.x() <= rect.right():
        return None
    x = local.x() + hit_shift(block.layout(), i, conv, text)
    qpos = QtBlockPos(line.xToCursor(x, QTextLine.CursorPosition.CursorOnCharacter))
    cp = char_under(line, conv, local.x(), conv.from_block(qpos))
    return None if cp >= conv.text_end else cp
