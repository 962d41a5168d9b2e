from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pme.catalogue.models import TherapeuticSystem


class DrugSearchForm(forms.Form):
    """The public list's search and filters (GET: results can be bookmarked and shared)."""

    q = forms.CharField(
        label=_("Search for a drug"),
        help_text=_("Generic name, brand, DIN or exception code. Accents are optional."),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    system = forms.ChoiceField(
        label=_("Therapeutic system"),
        required=False,
        choices=[("", _("All systems")), *TherapeuticSystem.choices],
    )
    codified = forms.ChoiceField(
        label=_("Exception code"),
        required=False,
        choices=[
            ("", _("Codified or not")),
            ("yes", _("Codified: a code on the prescription is enough")),
            ("no", _("Not codified: a request is needed")),
        ],
    )

    def codified_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("codified") or "")
