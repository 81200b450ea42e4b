"""mypy tells code-point offsets and Qt UTF-16 positions apart."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SNIPPET = textwrap.dedent(
    """
    from annotator.core.model import Span
    from annotator.core.positions import CodePoint
    from annotator.ui.offsets import OffsetMap, QtPos

    offsets = OffsetMap("😀 قال")
    qt = offsets.to_qt(CodePoint(1))
    cp = offsets.from_qt(qt)
    Span(1, 1, "a", cp, CodePoint(cp + 1), "PER")  # fine: code points
    offsets.to_qt(qt)  # line 10: a Qt position where a code point is expected
    offsets.from_qt(cp)  # line 11: a code point where a Qt position is expected
    Span(1, 1, "a", qt, cp, "PER")  # line 12: a Qt position as a span offset
    offsets.from_qt(5)  # line 13: a bare int from Qt, not wrapped as QtPos
    """
)


def test_mypy_rejects_mixing_code_points_and_qt_positions(tmp_path: Path) -> None:
    snippet = tmp_path / "mixing.py"
    snippet.write_text(SNIPPET, "utf-8")
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--no-error-summary", "--follow-imports=silent",
            "--ignore-missing-imports", "--cache-dir", str(tmp_path / "cache"), str(snippet),
        ],
        cwd=REPO,
        env={**os.environ, "MYPYPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    errors = sorted(
        int(line.split(":")[1]) for line in result.stdout.splitlines() if ": error:" in line
    )
    assert errors == [10, 11, 12, 13], result.stdout + result.stderr
    assert '"QtPos"; expected "CodePoint"' in result.stdout
    assert '"CodePoint"; expected "QtPos"' in result.stdout
