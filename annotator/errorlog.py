"""The log file for unexpected errors, shared by the GUI and the CLI.

An unexpected exception is never shown as a traceback: its traceback goes to
``annotator.log`` in the user data directory, and the user sees one sentence
that names that file.
"""

from __future__ import annotations

import logging
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from annotator import config

_LOGGER = "annotator"


def log_path() -> Path:
    """Where unexpected errors are written."""
    return config.data_dir() / "annotator.log"


def _logger() -> logging.Logger:
    logger = logging.getLogger(_LOGGER)
    path = log_path()
    for handler in list(logger.handlers):
        if getattr(handler, "baseFilename", None) != str(path):
            logger.removeHandler(handler)
            handler.close()
    if not logger.handlers:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def record(exc: BaseException, context: str) -> Path:
    """Write ``exc`` with its traceback to the log; return the log's path.

    Never raises: if the log cannot be written, the path is still returned.
    """
    path = log_path()
    try:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        _logger().error("%s\n%s", context, text)
    except Exception:  # noqa: BLE001 - logging must never raise into the caller
        pass
    return path


def unexpected_message(exc: BaseException, context: str) -> str:
    """Log ``exc`` and return one line for the user that names the log file."""
    path = record(exc, context)
    lines = str(exc).strip().splitlines()  # SQLAlchemy adds [SQL: ...] lines: keep one line
    summary = lines[0].rstrip(".") if lines else ""
    return (
        f"Unexpected error while {context}: {type(exc).__name__}: {summary}. "
        f"Nothing more was changed; details are in {path}."
    )
