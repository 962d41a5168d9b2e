from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pme.catalogue.criteria import DEFAULT_FAILURE_OUTCOMES
from pme.catalogue.models import Comparison, Criterion, TreatmentOutcome

register = template.Library()


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return number_format(value.normalize())


@register.simple_tag
def criterion_rule(criterion: Criterion) -> str:
    """The answer that meets a criterion, in words."""
    satisfying = list(criterion.satisfying_values or [])
    if criterion.kind == "yes_no":
        return _("Yes") if satisfying == [True] else _("No") if satisfying == [False] else _("Yes or no")
    if criterion.kind == "choice":
        labels = [criterion.choice_label(v) for v in satisfying]
        if len(labels) == 1:
            return labels[0]
        return _("Any of: %(choices)s") % {"choices": "; ".join(labels)}
    if criterion.kind == "number":
        return _("%(comparison)s %(threshold)s %(unit)s") % {
            "comparison": Comparison(criterion.comparison).label,
            "threshold": _number(criterion.threshold),
            "unit": criterion.unit,
        }
    if criterion.kind == "date":
        days = int(criterion.threshold or 0)
        if criterion.comparison == "within_days":
            return ngettext(
                "At most %(days)s day before the request",
                "At most %(days)s days before the request",
                days,
            ) % {"days": days}
        return ngettext(
            "At least %(days)s day before the request", "At least %(days)s days before the request", days
        ) % {"days": days}
    if criterion.kind == "previous_treatments":
        count = int(criterion.threshold or 1)
        outcomes = satisfying or list(DEFAULT_FAILURE_OUTCOMES)
        reasons = ", ".join(str(TreatmentOutcome(o).label).lower() for o in outcomes)
        return ngettext(
            "At least %(count)s drug stopped: %(reasons)s",
            "At least %(count)s different drugs stopped: %(reasons)s",
            count,
        ) % {"count": count, "reasons": reasons}
    return _("Assessed by a reviewer")
