"""Entry point: ``annotator`` starts the GUI; subcommands run without Qt."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the GUI or a subcommand."""
    from annotator.cli import EXIT_INTERRUPTED, build_parser, interrupted, run_command
    from annotator.cli_output import was_interrupted, watching_interrupts

    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "command", None):
            with watching_interrupts():
                code = run_command(args)
            # a Ctrl+C that Python swallowed (see watching_interrupts) still ends in 130
            return interrupted() if was_interrupted() and code != EXIT_INTERRUPTED else code
    except KeyboardInterrupt:
        return interrupted()
    from annotator.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
