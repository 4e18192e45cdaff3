"""Logging for a process that must never fail: a size-capped rotating file in the data folder.

The ``logging`` module is imported on first use, so a hook that has nothing to report pays nothing. Secrets
are redacted before a line is written. Logging itself never raises.
"""

from __future__ import annotations

import os

from memory import paths

_logger = None


def _get_logger():  # returns a logging.Logger, imported lazily
    global _logger
    if _logger is None:
        import logging
        from logging.handlers import RotatingFileHandler

        from memory.config import load_settings

        general = load_settings().general  # user file and environment: one log serves every project

        target = paths.log_path()
        paths.ensure_private_dir(os.path.dirname(target))
        class PrivateFileHandler(RotatingFileHandler):
            """Opens the log 0600 without following a symlink; an unencodable character is escaped."""

            def _open(self):
                fd = paths.open_private(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
                return open(fd, "a", encoding=self.encoding, errors=self.errors)

        logging.raiseExceptions = False  # a record that cannot be written is dropped, never printed on stderr
        handler = PrivateFileHandler(
            target, maxBytes=general.log_max_bytes, backupCount=general.log_backups,
            encoding="utf-8", delay=True, errors="backslashreplace",
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(process)d] %(message)s"))
        logger = logging.getLogger("compound-memory")
        logger.propagate = False
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        _logger = logger
    return _logger


def _write(level: str, source: str, message: str) -> None:
    try:
        text = _redact(f"{source}: {message}")
        getattr(_get_logger(), level)(text)
    except Exception:  # logging must never take a hook down
        pass


def info(source: str, message: str) -> None:
    """Log an informational line."""
    _write("info", source, message)


def warning(source: str, message: str) -> None:
    """Log a warning."""
    _write("warning", source, message)


def error(source: str, message: str, exc: BaseException | None = None) -> None:
    """Log an error, with the traceback of ``exc`` when given."""
    if exc is not None:
        import traceback

        message = f"{message}\n{''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))}"
    _write("error", source, message)


def _redact(text: str) -> str:
    try:
        from memory.redact import redact
    except ImportError:
        return text
    return redact(text)
