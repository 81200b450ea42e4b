"""PyInstaller entry script: the same ``main`` as the ``annotator`` console script."""

import sys

from annotator.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
