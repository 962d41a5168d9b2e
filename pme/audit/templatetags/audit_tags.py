from __future__ import annotations

from django import template

from pme.audit.actions import describe_action
from pme.audit.selectors import role_labels

register = template.Library()


@register.filter
def action_sentence(code: str) -> str:
    """The translated sentence for a stored action code; unknown codes are shown as stored."""
    return describe_action(code)


@register.filter
def role_label(code: str) -> str:
    if not code:
        return "—"
    return role_labels().get(code, code)
