from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pme.accounts.models import User
from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest
from pme.catalogue.models import TherapeuticSystem
from pme.core.forms import LongSelect
from pme.review.models import RefusalReason
from pme.review.services import ReasonInput


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


AGE_CHOICES = (
    ("", _("Any age")),
    ("1", _("Waiting for more than 1 day")),
    ("3", _("Waiting for more than 3 days")),
    ("7", _("Waiting for more than 7 days")),
    ("30", _("Waiting for more than 30 days")),
)


class QueueFilterForm(forms.Form):
    # Plain one-value lists, written in one pass (LongSelect): the queue page shows this form every time.
    status = forms.ChoiceField(label=_("Status"), required=False, widget=LongSelect)
    drug = forms.TypedChoiceField(
        label=_("Drug"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    system = forms.ChoiceField(label=_("Therapeutic system"), required=False, widget=LongSelect)
    age = forms.TypedChoiceField(
        label=_("Waiting time"),
        required=False,
        choices=AGE_CHOICES,
        coerce=int,
        empty_value=None,
        widget=LongSelect,
    )
    mine = forms.BooleanField(label=_("Only the requests assigned to me"), required=False)

    def __init__(self, *args: Any, drugs: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("All open requests")),
            *[(s.value, s.label) for s in (Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED)],
        ]
        self.fields["drug"].choices = [  # type: ignore[attr-defined]
            ("", _("All drugs")),
            *[(d.pk, d.generic_name) for d in drugs],
        ]
        self.fields["system"].choices = [("", _("All systems")), *TherapeuticSystem.choices]  # type: ignore[attr-defined]


class VersionedForm(forms.Form):
    """Carries the request's row_version as it was when the page was shown (conflict detection)."""

    row_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AcceptForm(VersionedForm):
    start = forms.DateField(
        label=_("Authorized from"),
        widget=DateInput(),
        error_messages={"required": _("Enter the first day of the authorization.")},
    )
    end = forms.DateField(
        label=_("Authorized until"),
        widget=DateInput(),
        help_text=_("Last day included. Proposed from the indication's maximum duration and the request."),
        error_messages={"required": _("Enter the last day of the authorization.")},
    )
    quantity = forms.CharField(
        label=_("Authorized quantity or dosage"),
        max_length=250,
        help_text=_("A quantity other than the one asked makes the acceptance partial."),
        error_messages={"required": _("Enter the authorized quantity or dosage.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last day must be on or after the first day."))
        return data


class RefuseForm(VersionedForm):
    LINES = 3

    text = forms.CharField(
        label=_("Explanation for the prescriber"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("Say what is missing and what would satisfy the criterion."),
        error_messages={"required": _("Explain the refusal to the prescriber.")},
    )

    def __init__(self, *args: Any, auth_request: AuthorizationRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reasons = {str(r.pk): r for r in RefusalReason.objects.filter(active=True)}
        criteria = list(auth_request.indication.criteria.all()) if auth_request.indication else []
        self.criterion_keys = {c.key for c in criteria}
        reason_choices = [("", _("Choose a reason")), *[(pk, r.text) for pk, r in self.reasons.items()]]
        criterion_choices = [("", _("No specific criterion")), *[(c.key, c.question) for c in criteria]]
        fields: dict[str, forms.Field] = {}
        for i in range(1, self.LINES + 1):
            fields[f"reason_{i}"] = forms.ChoiceField(
                label=_("Reason %(number)s") % {"number": i},
                choices=reason_choices,
                required=i == 1,
                error_messages={"required": _("Choose at least one reason.")},
            )
            fields[f"criterion_{i}"] = forms.ChoiceField(
                label=_("Criterion not met (reason %(number)s)") % {"number": i},
                choices=criterion_choices,
                required=False,
            )
        text = self.fields.pop("text")
        self.fields.update(fields)
        self.fields["text"] = text
        if not criteria:
            for i in range(1, self.LINES + 1):
                del self.fields[f"criterion_{i}"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines: list[ReasonInput] = []
        seen = set()
        for i in range(1, self.LINES + 1):
            pk = data.get(f"reason_{i}")
            key = data.get(f"criterion_{i}", "") or ""
            if not pk:
                if key:
                    self.add_error(f"reason_{i}", _("Choose the reason for this criterion."))
                continue
            reason = self.reasons[pk]
            if key and not reason.applies_to_criterion:
                self.add_error(f"criterion_{i}", _("This reason does not name a criterion."))
                continue
            if (pk, key) not in seen:
                seen.add((pk, key))
                lines.append(ReasonInput(reason=reason, criterion_key=key))
        data["reason_lines"] = lines
        return data


class InformationForm(VersionedForm):
    questions = forms.CharField(
        label=_("Questions for the prescriber"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_("One question per line. The prescriber sees them on the request and by e-mail notice."),
        error_messages={"required": _("Write at least one question.")},
    )


class ReassignForm(forms.Form):
    reviewer = forms.TypedChoiceField(
        label=_("Reviewer"), coerce=int, error_messages={"required": _("Choose a reviewer.")}
    )

    def __init__(self, *args: Any, reviewers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {u.pk: u for u in reviewers}
        self.fields["reviewer"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a reviewer")),
            *[(u.pk, f"{u.get_full_name() or u.username} ({u.username})") for u in reviewers],
        ]
