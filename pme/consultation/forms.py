from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pme.core.forms import NAMField


class LookupForm(forms.Form):
    """The NAM (required) and a drug (optional). Sent by POST only: a NAM never goes in a URL."""

    # No max_length validator: it would run on the cleaned NAM object (NAM.parse bounds the length).
    nam = NAMField(max_length=None)
    drug = forms.CharField(
        label=_("Drug"),
        required=False,
        max_length=100,
        help_text=_("Name, brand or DIN, or part of it: for example dupilumab, Dupixent or 02470311."),
    )

    def clean_drug(self) -> str:
        return " ".join(self.cleaned_data["drug"].split())
