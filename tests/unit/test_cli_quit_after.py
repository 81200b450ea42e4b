"""``--quit-after`` (used by the frozen app's smoke test) is parsed but not advertised."""

from __future__ import annotations

from annotator.cli import build_parser


def test_quit_after_is_parsed_as_seconds() -> None:
    args = build_parser().parse_args(["--annotator", "smoke", "--quit-after", "1.5"])
    assert args.quit_after == 1.5 and args.command is None


def test_quit_after_is_absent_by_default_and_hidden_from_help() -> None:
    assert build_parser().parse_args([]).quit_after is None
    assert "--quit-after" not in build_parser().format_help()
