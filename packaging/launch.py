"""PyInstaller entry script: the same ``main`` as the ``annotator`` console script."""

import multiprocessing
import sys

from annotator.__main__ import main

if __name__ == "__main__":
    # File → Merge projects… runs in a child process started with "spawn" (ADR 0017): in the
    # bundle that child is this executable again, and freeze_support() makes it run the
    # child's work instead of the app
    multiprocessing.freeze_support()
    sys.exit(main())
