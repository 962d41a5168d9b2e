"""A log filter that masks personal information before any handler writes it."""

from __future__ import annotations

import logging
import re

# A NAM, compact or spaced (TREM 8503 1512 / TREM85031512), case-insensitive.
_NAM = re.compile(r"\b([A-Za-z]{4})[ \-]?(\d{4})[ \-]?(\d{2})(\d{2})\b")
# key=value or "key": "value" pairs whose value is a secret.
_SECRET = re.compile(
    r"(?i)(\b(?:password|passwd|pwd|token|secret|temporary_password|api_key|authorization|otp|code_totp)"
    r"\b[\"']?\s*[:=]\s*[\"']?)([^\s\"',&}]+)"
)


def mask_text(text: str) -> str:
    text = _NAM.sub(lambda m: f"{m.group(1).upper()} ···· ··{m.group(4)}", text)
    return _SECRET.sub(lambda m: f"{m.group(1)}[masked]", text)


class MaskPersonalInformation(logging.Filter):
    """Rewrites the final message so that no NAM, password or token reaches a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_text(exc_text)
        return True
