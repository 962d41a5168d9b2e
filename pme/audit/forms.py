from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pme.audit.actions import all_actions, describe_action
from pme.audit.models import INCIDENT_FIELDS, ConfidentialityIncident
from pme.core.nam import NAM, InvalidNAM

NAM_ERRORS = {
    "format": _("Enter a health insurance number as 4 letters and 8 digits, for example TREM 8503 1512."),
    "month": _("The month in this health insurance number does not exist (01 to 12, or 51 to 62)."),
    "day": _("The day in this health insurance number does not exist in that month."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class NAMField(forms.CharField):
    """A health insurance number, spaces allowed; cleans to a `NAM`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Health insurance number (NAM)"))
        kwargs.setdefault("help_text", _("12 characters, for example TREM 8503 1512."))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )

    def clean(self, value: Any) -> NAM | None:
        raw = super().clean(value)
        if not raw:
            return None
        try:
            return NAM.parse(raw)
        except InvalidNAM as exc:
            raise forms.ValidationError(NAM_ERRORS[exc.code], code=exc.code) from None


class PeriodMixin(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To (included)"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned


class EventSearchForm(PeriodMixin):
    username = forms.CharField(
        label=_("Username"),
        required=False,
        max_length=150,
        help_text=_("The exact username, for example CE100001 or dre.tremblay."),
    )
    nam = NAMField(required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    field_order = ["username", "nam", "action", "date_from", "date_to"]

    def __init__(self, *args: Any, actions: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = sorted(set(all_actions()) | set(actions or []))
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", _("Any action")), *((c, describe_action(c)) for c in codes)]


class PersonReportForm(PeriodMixin):
    nam = NAMField()
    field_order = ["nam", "date_from", "date_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].required = True
        today = timezone.localdate()
        self.fields["date_from"].initial = today - dt.timedelta(days=365)
        self.fields["date_to"].initial = today


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("The year cannot be in the future."))
        return year


class SignalsForm(PeriodMixin):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].required = True


class IncidentForm(forms.ModelForm[ConfidentialityIncident]):
    class Meta:
        model = ConfidentialityIncident
        fields = list(INCIDENT_FIELDS)
        widgets = {
            "occurred_on": DateInput(),
            "occurred_until": DateInput(),
            "discovered_on": DateInput(),
            "commission_notified_on": DateInput(),
            "persons_notified_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "information_concerned": forms.Textarea(attrs={"rows": 3}),
            "risk_assessment": forms.Textarea(attrs={"rows": 4}),
            "notifications_details": forms.Textarea(attrs={"rows": 3}),
            "measures_taken": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "occurred_on": _("If the exact date is not known, give your best estimate and say so below."),
            "occurred_until": _("Only if the incident lasted more than one day."),
            "description": _("What happened, briefly: how, where, who was involved."),
            "information_concerned": _(
                "Which personal information, or why it cannot be described (for example, a lost file)."
            ),
            "persons_count": _("Give an estimate when the exact number is not known."),
            "risk_assessment": _(
                "Sensitivity of the information, the consequences you foresee and how likely they are."
            ),
            "commission_notified_on": _(
                "Commission d'accès à l'information; required promptly when there is a risk of serious harm."
            ),
            "notifications_details": _("Public notice given, or why a notification was not made."),
            "measures_taken": _("What was done to reduce the risk of harm and to prevent a recurrence."),
        }

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in INCIDENT_FIELDS}
