"""The tests' fontconfig folder (tests/conftest.py) is removed when the pytest session ends.

It was removed by an ``atexit`` function, which a process that ends with ``os._exit`` never
runs: mutmut runs pytest in forked children that leave that way (``make mutate``), and /tmp
filled with ``annotator-fontconfig-*`` folders.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FONT_FOLDER_PREFIX, REPO

# pytest in-process, then os._exit, as mutmut's forked children do (mutmut/workers/isolation.py)
AS_MUTMUT = (
    "import os, sys, pytest\n"
    "code = pytest.main(['-q', '-p', 'no:cacheprovider', 'tests/unit/test_cascade_text.py'])\n"
    "sys.stdout.flush()\n"
    "os._exit(int(code))\n"
)


def test_a_session_that_ends_with_os_exit_leaves_no_fontconfig_folder(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    run = subprocess.run(
        [sys.executable, "-c", AS_MUTMUT],
        cwd=REPO,
        env={**os.environ, "TMPDIR": str(temp)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
    assert [p.name for p in temp.iterdir() if p.name.startswith(FONT_FOLDER_PREFIX)] == []
