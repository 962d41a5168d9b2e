"""Form fields shared by every app: the NAM above all (format, real date, spaces allowed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pme.core.nam import NAM, InvalidNAM

NAM_ERRORS = {
    "format": _("Enter the health insurance number as 4 letters then 8 digits, for example TREM 8503 1512."),
    "month": _("The month in this health insurance number does not exist (01 to 12, or 51 to 62)."),
    "day": _("The day in this health insurance number does not exist in that month."),
}


class NAMField(forms.CharField):
    """Accepts `TREM 8503 1512`, `trem85031512`...; cleans to a `NAM`. Never put its value in a URL."""

    default_error_messages = {"required": _("Enter the health insurance number.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Health insurance number (NAM)"))
        kwargs.setdefault("help_text", _("12 characters, spaces allowed: for example TREM 8503 1512."))
        super().__init__(**kwargs)
        # No max_length validator: it would run on the cleaned NAM; NAM.parse bounds the length itself.
        self.widget.attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "inputmode": "text",
                "maxlength": "20",
            }
        )

    def to_python(self, value: Any) -> NAM | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return NAM.parse(text)
        except InvalidNAM as exc:
            raise forms.ValidationError(NAM_ERRORS[exc.code], code=f"nam_{exc.code}") from None

    def prepare_value(self, value: Any) -> Any:
        return value.formatted() if isinstance(value, NAM) else value
