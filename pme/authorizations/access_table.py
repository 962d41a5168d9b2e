"""The access rule as the table docs/access.md shows: rendered from `access.RULES`, so the document
and the code cannot drift (pme/authorizations/tests/test_access_rule.py compares them)."""

from __future__ import annotations

from pme.authorizations.access import RULES, Drafts, Fields, Visibility, Whose

ROLE_NAMES = {
    "prescriber": "Prescriber",
    "collaborator": "Collaborator (administrative assistant)",
    "reviewer": "Régie reviewer",
    "pharmacist": "Pharmacist",
    "access_admin": "Régie access administrator",
    "privacy_officer": "Privacy officer",
}
WHOSE = {
    Whose.OWN: "their own",
    Whose.DELEGATING: "their prescribers' (delegation active today)",
    Whose.ANY: "every prescriber's",
    Whose.NONE: "none",
}
FIELDS = {
    Fields.WHOLE: "whole request: content, attachments, letters, history",
    Fields.STATUS: "status fields only (number, drug, status, dates, period, quantity, prescriber)",
    Fields.NONE: "—",
}
DRAFTS = {Drafts.OWN: "all of theirs", Drafts.ENTERED: "those they entered", Drafts.NONE: "none"}


def _window(rule: Visibility) -> str:
    if rule.whose == Whose.NONE:
        return "—"
    if rule.sent_within_days is not None:
        text = f"sent in the last {rule.sent_within_days} days"
    elif rule.sent_within_months is not None:
        text = f"sent in the last {rule.sent_within_months} months"
    else:
        text = "any age"
    if rule.or_valid_today:
        text += ", or valid today"
    return text


def markdown_table() -> str:
    lines = [
        "| Role | Whose requests | Sent requests | Drafts | What of them |",
        "|---|---|---|---|---|",
    ]
    for role, rule in RULES.items():
        lines.append(
            f"| {ROLE_NAMES[role]} | {WHOSE[rule.whose]} | {_window(rule)} | {DRAFTS[rule.drafts]} "
            f"| {FIELDS[rule.fields]} |"
        )
    return "\n".join(lines)
