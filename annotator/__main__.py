"""Entry point: ``annotator`` starts the GUI; subcommands run without Qt."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the GUI or a subcommand."""
    from annotator.cli import build_parser, interrupted, run_command

    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "command", None):
            return run_command(args)
    except KeyboardInterrupt:
        return interrupted()
    from annotator.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
