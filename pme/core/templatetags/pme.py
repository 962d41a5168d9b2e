"""Template filters for dates and numbers in the page's language (pme/core/dates.py), available in every
template without `{% load %}` (a builtin library in config/settings.py), and `written_in`, the `lang`
attribute of text a person wrote in their own language (WCAG 2.1, 3.1.2 Language of Parts), and
`status_badge`, a request's status as every page shows it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from pme.core import dates

register = template.Library()


@register.filter
def long_date(value: dt.date | dt.datetime | None) -> str:
    """{{ day|long_date }}: "1er décembre 2026" / "1 December 2026"."""
    return dates.long_date(value)


@register.filter
def long_datetime(value: dt.datetime | None, precision: str = "") -> str:
    """{{ moment|long_datetime }}: "1er décembre 2026, 14:05"; {{ moment|long_datetime:"seconds" }}."""
    return dates.long_datetime(value, seconds=precision == "seconds")


@register.filter
def number(value: int | float | Decimal | None, decimals: Any = None) -> str:
    """{{ value|number }} or {{ value|number:1 }}: "149 000" on French pages, "149,000" on English ones."""
    return dates.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def written_in(language: str | None) -> SafeString:
    """<dd{{ auth_request.prescriber.language|written_in }}>: declares the language of a person's own
    words, so that readers (and screen readers) know a French note on an English page is French."""
    code = (language or "")[:2]
    return format_html(' lang="{}"', code) if code in ("fr", "en") else SafeString("")


@register.filter
def naming(error: str, bound_field: Any) -> str:
    """{{ error|naming:field }}: Django's generic "This field is required." names the field instead
    ("Fill in « Drug »."), so that a message read alone (a screen reader, the error summary) says where."""
    from django import forms

    field = getattr(bound_field, "field", None)
    if field is None:
        return error
    # Only Django's generic message: a form's own wording ("Choose at least one reason") stays.
    generic = str(forms.Field.default_error_messages["required"])
    if str(error) != generic:
        return error
    return required_message(field, str(bound_field.label))


def required_message(field: Any, label: str) -> str:
    from django import forms
    from django.utils.translation import gettext as _

    label = label.rstrip(" :?")
    if isinstance(field, forms.BooleanField):
        return _("Tick « %(label)s ».") % {"label": label}
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return _("Choose « %(label)s ».") % {"label": label}
    if isinstance(field, forms.FileField):
        return _("Attach « %(label)s ».") % {"label": label}
    return _("Fill in « %(label)s ».") % {"label": label}


@register.simple_tag
def status_badge(status: str, label: Any) -> SafeString:
    """{% status_badge item.status item.get_status_display %}: the coloured status of a request (its class
    from the status code, its words in the page's language). A tag, not an include: queue pages show one
    per row."""
    return format_html('<span class="status status-{}">{}</span>', status, label)
