from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pme.core.timeutils import add_months, local_today
from pme.review.forms import DateInput

MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput(), help_text=_("Included."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = self._defaults(data.get("start"), data.get("end"))
        if end < start:
            self.add_error("end", _("The end of the period must be on or after its start."))
        elif (end - start).days > MAX_DAYS:
            self.add_error("start", _("Choose a period of 3 years at most."))
        return data

    @staticmethod
    def _defaults(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
        end = end or local_today()
        start = start or add_months(dt.date(end.year, end.month, 1), -11)
        return start, end

    def period(self) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return self._defaults(data.get("start"), data.get("end"))
