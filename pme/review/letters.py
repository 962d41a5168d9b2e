"""The decision letter: a PDF with the decision in the prescriber's language first, then in the other
official language, as the Régie's paper letters were. Built on demand from the recorded `Decision`
(which never changes), so the same letter comes out every time; `draft_letter` writes the same letter for
a decision the reviewer has not saved yet (the preview before sending, `LetterDraft`).

Layout, letterhead, assistance contacts and signature: pme/core/letters.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from pme.accounts.models import User
from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.services import REVIEW_WINDOW_MONTHS
from pme.catalogue.cached import criteria_of
from pme.core.dates import long_date
from pme.core.letters import Letter, contact_sentence, place_and_date
from pme.core.timeutils import REGIE_TZ, add_months, local_today
from pme.review.models import Decision, DecisionKind, RefusalReason
from pme.review.selectors import ReasonLine


@dataclass(frozen=True)
class LetterReason:
    """A coded reason of a refusal: its code (the text comes in each language from the managed list)
    and the key of the criterion it names ("" for none)."""

    code: str
    criterion_key: str = ""


@dataclass(frozen=True)
class LetterDraft:
    """A decision the reviewer has not taken yet, for the letter's preview."""

    kind: str  # DecisionKind.ACCEPTED or DecisionKind.REFUSED
    authorized_start: dt.date | None = None
    authorized_end: dt.date | None = None
    authorized_quantity: str = ""
    reasons: tuple[ReasonLine, ...] = ()
    text: str = ""
    partial: bool = False


@dataclass(frozen=True)
class LetterContent:
    """What a decision letter says: a saved `Decision` or one being written."""

    kind: str  # DecisionKind.ACCEPTED or REFUSED
    reviewer: User | None
    decided_on: dt.date
    reasons: Sequence[LetterReason] = ()
    text: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    quantity: str = ""
    partial: bool = False


def _languages(first: str) -> tuple[str, str]:
    return ("en", "fr") if first == "en" else ("fr", "en")


def _date(value: dt.date | None) -> str:
    return long_date(value) if value else "—"


def _criterion_questions(auth_request: AuthorizationRequest) -> dict[str, str]:
    if auth_request.indication is None:
        return {}
    return {c.key: c.question for c in criteria_of(auth_request.indication)}


def _block(
    auth_request: AuthorizationRequest, content: LetterContent, language: str
) -> tuple[str, list[str]]:
    """The letter in `language` (active): a heading and paragraphs."""
    lines = [
        place_and_date(content.decided_on, language),
        _("To: %(prescriber)s") % {"prescriber": auth_request.prescriber.get_full_name()},
        _("Request number: %(number)s") % {"number": auth_request.number},
        _("Insured person: %(name)s, born on %(date)s (NAM %(nam)s)")
        % {
            "name": f"{auth_request.insured_first_name} {auth_request.insured_last_name}",
            "date": _date(auth_request.insured_birth_date),
            "nam": auth_request.nam_value.formatted(),
        },
        _("Drug: %(drug)s") % {"drug": auth_request.drug_label},
    ]
    if auth_request.indication is not None:
        lines.append(
            _("Recognized indication: %(title)s (version %(version)s)")
            % {"title": auth_request.indication.title, "version": auth_request.indication.version}
        )
    if content.kind == DecisionKind.ACCEPTED:
        heading = _("Payment authorization: accepted")
        lines += [
            _("Decision: the request is accepted."),
            _("Authorized period: from %(start)s to %(end)s inclusive.")
            % {"start": _date(content.start), "end": _date(content.end)},
            _("Authorized quantity or dosage: %(quantity)s") % {"quantity": content.quantity or "—"},
        ]
        if content.partial:
            lines.append(
                _(
                    "This is a partial acceptance: the period or the quantity authorized differs from "
                    "what was requested."
                )
            )
    else:
        heading = _("Payment authorization: refused")
        lines.append(_("Decision: the request is refused, for the following reasons:"))
        questions = _criterion_questions(auth_request)
        texts = {
            r.code: r.text for r in RefusalReason.objects.filter(code__in=[r.code for r in content.reasons])
        }
        for number, line in enumerate(content.reasons, start=1):
            text = f"{number}. {texts.get(line.code, line.code)}"
            question = questions.get(line.criterion_key, "")
            if question:
                text += " — " + _("criterion not met: %(question)s") % {"question": question}
            lines.append(text)
        if content.text:
            lines.append(_("Explanation: %(text)s") % {"text": content.text})
        lines.append(
            _(
                "You may ask for a review (révision) of this decision within 6 months, that is until "
                "%(date)s, from the request's page in the PME online service."
            )
            % {"date": _date(add_months(content.decided_on, REVIEW_WINDOW_MONTHS))}
        )
    lines.append(contact_sentence())
    return heading, lines


def _signature(content: LetterContent) -> list[str]:
    who = content.reviewer
    name = (who.get_full_name() or who.username) if who is not None else ""
    return [
        line for line in (name, _("Reviewer, payment authorization requests"), _("For the Régie")) if line
    ]


def render_letter(auth_request: AuthorizationRequest, content: LetterContent) -> bytes:
    """The letter's PDF: the prescriber's language first, then the other one."""
    letter = Letter(f"PME {auth_request.number}")
    first = auth_request.prescriber.language or "fr"
    for position, language in enumerate(_languages(first)):
        if position:
            letter.separator()
        with translation.override(language):
            heading, lines = _block(auth_request, content, language)
            letter.heading(heading)
            for paragraph in lines:
                letter.paragraph(paragraph)
            letter.signature(_signature(content))
    return letter.finish()


def content_of(decision: Decision) -> LetterContent:
    return LetterContent(
        kind=decision.kind,
        reviewer=decision.reviewer,
        decided_on=decision.created_at.astimezone(REGIE_TZ).date(),
        reasons=[LetterReason(line.reason.code, line.criterion_key) for line in decision.reason_lines.all()],
        text=decision.text,
        start=decision.authorized_start,
        end=decision.authorized_end,
        quantity=decision.authorized_quantity,
        partial=decision.partial,
    )


def decision_letter(decision: Decision) -> bytes:
    """The letter of a recorded acceptance or refusal."""
    return render_letter(decision.auth_request, content_of(decision))


def draft_letter(
    auth_request: AuthorizationRequest, draft: LetterDraft, *, reviewer: User | None = None
) -> bytes:
    """The letter `draft` would send, dated today, built by the same code as the real one: the
    reviewer's preview. Signed by `reviewer`, or by the reviewer who holds the request."""
    if draft.kind not in (DecisionKind.ACCEPTED, DecisionKind.REFUSED):
        raise ValueError("only acceptances and refusals have a letter")
    content = LetterContent(
        kind=draft.kind,
        reviewer=reviewer or auth_request.assigned_to,
        decided_on=local_today(),
        reasons=[LetterReason(r.code, r.criterion_key) for r in draft.reasons],
        text=draft.text.strip(),
        start=draft.authorized_start,
        end=draft.authorized_end,
        quantity=draft.authorized_quantity.strip(),
        partial=draft.partial,
    )
    return render_letter(auth_request, content)
