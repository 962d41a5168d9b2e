"""Form fields shared by every app: the NAM above all (format, real date, spaces allowed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
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


class LongSelect(forms.Select):
    """A <select> of many plain options (the queue's drug filter lists hundreds), written in one pass:
    Django renders each option through its own template (about 20 µs an option), this writes the same
    markup (`value`, `selected`, escaped labels) without it. No option groups, one value."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        from django.forms.utils import flatatt
        from django.utils.html import escape

        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        options = []
        for raw, label in self.choices:
            key = "" if raw is None else str(raw)
            mark = " selected" if key in chosen else ""
            options.append(f'<option value="{escape(key)}"{mark}>{escape(label)}</option>')
        return mark_safe(f"<select{flatatt(final)}>{''.join(options)}</select>")  # noqa: S308 (escaped above)
