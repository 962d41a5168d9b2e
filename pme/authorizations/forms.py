"""Forms of the request pages. The criteria questions are built from the indication version's criteria."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Field
from django.utils.translation import gettext_lazy as _

from pme.authorizations import content
from pme.authorizations.attachments import MAX_ATTACHMENT_BYTES
from pme.authorizations.content import DraftInput, TreatmentInput
from pme.authorizations.models import (
    AuthorizationRequest,
    DurationUnit,
    PreviousTreatment,
    RequestType,
    Urgency,
)
from pme.core.forms import NAMField
from pme.core.nam import checksum_warning

TREATMENT_ROWS = 3
# Fields of the exceptional patient measure: on the form of that kind only.
_EXCEPTIONAL_PATIENT_ONLY = frozenset(
    {"drug_description", "din", "condition", "alternatives_unusable", "seriousness", "expected_benefit"}
)
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = "application/pdf,image/jpeg,image/png"

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [single(d, initial) for d in files]
        for upload in cleaned:
            if upload.size > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than 10 MB.") % {"name": upload.name}, code="too_large"
                )
        return cleaned


class RequestForm(forms.Form):
    """The whole request, for one kind: exception drug (with `indication`) or exceptional patient."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    nam = NAMField()
    insured_last_name = forms.CharField(label=_("Surname"), max_length=100)
    insured_first_name = forms.CharField(label=_("First name"), max_length=100)
    insured_birth_date = forms.DateField(
        label=_("Birth date"), widget=DateInput(), help_text=_("As on the health insurance card.")
    )
    confirm_identity = forms.BooleanField(
        label=_("I have checked the health insurance number and the birth date."), required=False
    )
    request_type = forms.ChoiceField(
        label=_("Type of request"),
        choices=RequestType.choices,
        widget=forms.RadioSelect,
        initial=RequestType.FIRST,
    )
    treatment_started = forms.TypedChoiceField(
        label=_("Has the treatment already started?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        initial="no",
    )
    requested_start = forms.DateField(label=_("Requested start date"), widget=DateInput(), required=False)
    requested_duration = forms.IntegerField(
        label=_("Requested duration"), min_value=1, max_value=999, required=False
    )
    requested_duration_unit = forms.ChoiceField(
        label=_("Unit of the duration"), choices=DurationUnit.choices, initial=DurationUnit.MONTHS
    )
    dosage = forms.CharField(
        label=_("Dosage"),
        max_length=250,
        required=False,
        help_text=_("For example: 300 mg subcutaneously every 2 weeks."),
    )
    quantity = forms.CharField(label=_("Quantity"), max_length=120, required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.STANDARD
    )
    urgency_reason = forms.CharField(
        label=_("Reason for urgency"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    clinical_notes = forms.CharField(
        label=_("Clinical notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("PDF, JPEG or PNG, up to 10 MB each (reports, test results)."),
    )

    def __init__(self, *args: Any, kind: str, indication: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.indication = indication
        self.criteria = list(indication.criteria.all()) if indication is not None else []
        self.warnings: list[str] = []
        for criterion in self.criteria:
            if criterion.kind != "previous_treatments":
                self.fields[f"criterion_{criterion.key}"] = _criterion_field(criterion)
        for i in range(1, TREATMENT_ROWS + 1):
            self.fields[f"treatment_{i}_drug"] = forms.CharField(
                label=_("Drug"), max_length=200, required=False
            )
            self.fields[f"treatment_{i}_duration"] = forms.CharField(
                label=_("Duration"), max_length=100, required=False
            )
            self.fields[f"treatment_{i}_outcome"] = forms.ChoiceField(
                label=_("Reason stopped"),
                required=False,
                choices=[("", "—"), *PreviousTreatment.Outcome.choices],
            )
        if kind == "exceptional_patient":
            self.fields["drug_description"] = forms.CharField(
                label=_("Drug (name, strength, form)"),
                max_length=250,
                help_text=_("The drug may be one that is not on the list."),
            )
            self.fields["din"] = forms.RegexField(
                label=_("DIN"),
                regex=r"^[0-9]{8}$",
                required=False,
                help_text=_("8 digits, if the drug has one."),
                error_messages={"invalid": _("A DIN has exactly 8 digits.")},
            )
            for name, label in (
                ("condition", _("Condition")),
                ("alternatives_unusable", _("Why listed drugs or insured treatments cannot be used")),
                ("seriousness", _("Why the condition is serious")),
                ("expected_benefit", _("Expected measurable benefit")),
            ):
                self.fields[name] = forms.CharField(
                    label=label, max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
                )

        # A content field this form does not lay out itself is still carried: its field comes from the
        # model column (label, length, choices), so adding a field to the request needs no change here.
        for name in content.plain_fields():
            if name not in self.fields and name not in _EXCEPTIONAL_PATIENT_ONLY:
                column = AuthorizationRequest._meta.get_field(name)
                formfield = column.formfield(required=False) if isinstance(column, Field) else None
                if formfield is not None:
                    self.fields[name] = formfield

    def criterion_fields(self) -> list[forms.BoundField]:
        return [self[f"criterion_{c.key}"] for c in self.criteria if c.kind != "previous_treatments"]

    def treatment_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"treatment_{i}_{part}"] for part in ("drug", "duration", "outcome")]
            for i in range(1, TREATMENT_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        nam, birth = data.get("nam"), data.get("insured_birth_date")
        if nam and birth:
            if not nam.matches_birth_date(birth.year, birth.month, birth.day) and not data.get(
                "confirm_identity"
            ):
                self.add_error(
                    "insured_birth_date",
                    _(
                        "The birth date does not match the one in the health insurance number. "
                        "Correct it, or tick the confirmation box if both are right."
                    ),
                )
            elif checksum_warning(nam, birth.year):
                self.warnings.append(
                    str(
                        _(
                            "The health insurance number may contain a typing error: "
                            "check it against the card."
                        )
                    )
                )
        for i in range(1, TREATMENT_ROWS + 1):
            if data.get(f"treatment_{i}_drug") and not data.get(f"treatment_{i}_outcome"):
                self.add_error(f"treatment_{i}_outcome", _("Say why this treatment was stopped."))
        if data.get("requested_start") and data["requested_start"] < dt.date(2000, 1, 1):
            self.add_error("requested_start", _("Enter a real date."))
        return data

    def to_input(self, *, drug: Any = None) -> DraftInput:
        data = self.cleaned_data
        treatments = [
            TreatmentInput(
                data[f"treatment_{i}_drug"], data[f"treatment_{i}_outcome"], data[f"treatment_{i}_duration"]
            )
            for i in range(1, TREATMENT_ROWS + 1)
            if data.get(f"treatment_{i}_drug")
        ]
        answers: dict[str, Any] = {}
        for criterion in self.criteria:
            if criterion.kind == "previous_treatments":
                answers[criterion.key] = [{"drug": t.drug_name, "outcome": t.outcome} for t in treatments]
                continue
            value = data.get(f"criterion_{criterion.key}")
            if criterion.kind == "yes_no":
                value = {"yes": True, "no": False}.get(value or "")
            elif criterion.kind == "number" and value is not None:
                value = str(value)
            elif criterion.kind == "date" and value is not None:
                value = value.isoformat()
            if value not in (None, ""):
                answers[criterion.key] = value
        plain = {name: data[name] for name in content.plain_fields() if name in data}
        for name, value in plain.items():
            if isinstance(value, str):
                plain[name] = value.strip()
            elif value is None and isinstance(getattr(DraftInput, name, None), str):
                plain[name] = ""
        return DraftInput(
            kind=self.kind,
            nam=data["nam"],
            drug=drug,
            indication=self.indication,
            answers=answers,
            previous_treatments=treatments,
            **plain,
        )


def initial_from(auth_request: Any) -> dict[str, Any]:
    """The form's initial values from a saved draft."""
    initial: dict[str, Any] = {name: getattr(auth_request, name) for name in content.plain_fields()}
    initial["nam"] = auth_request.nam_value.formatted()
    initial["treatment_started"] = "yes" if auth_request.treatment_started else "no"
    initial["submission_token"] = auth_request.submission_token
    for key, value in (auth_request.answers or {}).items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        initial[f"criterion_{key}"] = value
    for i, treatment in enumerate(auth_request.previous_treatments.all()[:TREATMENT_ROWS], start=1):
        initial[f"treatment_{i}_drug"] = treatment.drug_name
        initial[f"treatment_{i}_duration"] = treatment.duration
        initial[f"treatment_{i}_outcome"] = treatment.outcome
    return initial


def _criterion_field(criterion: Any) -> forms.Field:
    common: dict[str, Any] = {"label": criterion.question, "required": False, "help_text": criterion.hint}
    kind = criterion.kind
    if kind == "yes_no":
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == "choice":
        choices = [(c["value"], criterion.choice_label(c["value"])) for c in criterion.choices or []]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "number":
        if criterion.unit:
            common["help_text"] = f"{criterion.hint} ({criterion.unit})".strip()
        return forms.DecimalField(max_digits=12, decimal_places=3, localize=True, **common)
    if kind == "date":
        return forms.DateField(widget=DateInput(), **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common)


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("PDF, JPEG or PNG, up to 10 MB each.")
    )


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the decision be reviewed?"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class RequestFilterForm(forms.Form):
    person = forms.CharField(
        label=_("Insured person"),
        required=False,
        max_length=100,
        help_text=_("Health insurance number, or part of the surname or first name."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    drug = forms.CharField(label=_("Drug"), required=False, max_length=100)
    prescriber = forms.TypedChoiceField(label=_("Prescriber"), required=False, coerce=int, empty_value=None)
    sent_from = forms.DateField(label=_("Sent from"), required=False, widget=DateInput())
    sent_to = forms.DateField(label=_("Sent until"), required=False, widget=DateInput())
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("sent", _("Date sent, newest first")),
            ("sent_asc", _("Date sent, oldest first")),
            ("status", _("Status")),
            ("drug", _("Drug")),
            ("person", _("Insured person")),
        ],
    )

    def __init__(self, *args: Any, prescribers: Sequence[Any] = (), **kwargs: Any) -> None:
        from pme.authorizations.lifecycle import Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *Status.choices]  # type: ignore[attr-defined]
        if len(prescribers) > 1:
            self.fields["prescriber"].choices = [  # type: ignore[attr-defined]
                ("", _("All")),
                *((p.pk, p.get_full_name() or p.username) for p in prescribers),
            ]
        else:
            del self.fields["prescriber"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("sent_from"), data.get("sent_to")
        if start and end and end < start:
            self.add_error("sent_to", _("The end of the period cannot be before its start."))
        return data
