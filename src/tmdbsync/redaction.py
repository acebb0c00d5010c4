"""Keeping API keys out of every text: messages, log records and the transport's own logs.

Keys travel in query strings (`api_key=`, `apikey=`), so any URL may carry one; every module that
words a message with a URL in it redacts through here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

_KEY_IN_QUERY = re.compile(r"(?i)\b(api_?key=)[^&\s\"'#]+")


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret (also URL-encoded) and any api_key=/apikey= value as `***`."""
    variants = {form for secret in secrets if secret for form in _encodings(secret)}
    for variant in sorted(variants, key=len, reverse=True):
        text = text.replace(variant, "***")
    return _KEY_IN_QUERY.sub(r"\1***", text)


def _encodings(secret: str) -> tuple[str, str, str]:
    return secret, quote(secret, safe=""), quote_plus(secret)


class RedactingFilter(logging.Filter):
    """Rewrites each record's text through `redact`, for handlers that also see other libraries."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string must not break the caller
            message = f"{record.msg} {record.args}"
        record.msg = redact(message, self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


_TRANSPORT_FILTER = RedactingFilter()


def quiet_transport_loggers() -> None:
    """httpx logs every full URL (with the key) at INFO: default it to WARNING and redact it."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)
        logger.addFilter(_TRANSPORT_FILTER)
