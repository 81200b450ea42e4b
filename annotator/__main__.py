"""Entry point: ``annotator`` starts the GUI; subcommands run without Qt."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.services.tokens_ahead import TokensAhead


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the GUI or a subcommand."""
    from annotator.cli_early import start_early

    # a large import's tokens child starts before the CLI's imports (ADR 0027)
    early = start_early(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv, early)
    finally:
        if early is not None:
            early.close(wait=False)  # closed already if the import took it


def _main(argv: list[str] | None, early: TokensAhead | None) -> int:
    from annotator.cli import EXIT_INTERRUPTED, build_parser, interrupted, run_command
    from annotator.cli_output import was_interrupted, watching_interrupts

    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "command", None):
            args.early_tokens = early  # for annotator.cli_import
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
