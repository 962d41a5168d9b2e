"""Start-up checks of the audit settings that a single env reader cannot express."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def check_workday_hours(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    start, end = settings.AUDIT_WORKDAY_START_HOUR, settings.AUDIT_WORKDAY_END_HOUR
    if not 0 <= start < end <= 24:
        return [
            Error(
                f"PME_AUDIT_WORKDAY_START_HOUR={start} and PME_AUDIT_WORKDAY_END_HOUR={end}: "
                "hours go from 0 to 24 and the start comes before the end.",
                id="audit.E001",
            )
        ]
    return []
