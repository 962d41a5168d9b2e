"""The decision letter: a PDF with the decision in the prescriber's language first, then in the other
official language, as the Régie's paper letters were. Built on demand from the recorded `Decision`
(which never changes), so the same letter comes out every time."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.services import review_deadline
from pme.core.timeutils import REGIE_TZ, add_months
from pme.review.models import Decision, DecisionKind
from pme.review.selectors import ReasonLine, reason_lines

MARGIN = 2.2 * cm
FONT = "Helvetica"
BOLD = "Helvetica-Bold"


def _languages(first: str) -> tuple[str, str]:
    return ("en", "fr") if first == "en" else ("fr", "en")


def _date(value: dt.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def _block(decision: Decision, reasons: list[ReasonLine] | None = None) -> tuple[str, list[str]]:
    """The letter in the active language: a heading and paragraphs."""
    auth_request = decision.auth_request
    decided_on = decision.created_at.astimezone(REGIE_TZ).date()
    lines = [
        _("Date: %(date)s") % {"date": _date(decided_on)},
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
    if decision.kind == DecisionKind.ACCEPTED:
        heading = _("Payment authorization: accepted")
        lines += [
            _("Decision: the request is accepted."),
            _("Authorized period: from %(start)s to %(end)s inclusive.")
            % {"start": _date(decision.authorized_start), "end": _date(decision.authorized_end)},
            _("Authorized quantity or dosage: %(quantity)s") % {"quantity": decision.authorized_quantity},
        ]
        if decision.partial:
            lines.append(
                _(
                    "This is a partial acceptance: the period or the quantity authorized differs from "
                    "what was requested."
                )
            )
    else:
        heading = _("Payment authorization: refused")
        lines.append(_("Decision: the request is refused, for the following reasons:"))
        for number, line in enumerate(reason_lines(decision) if reasons is None else reasons, start=1):
            text = f"{number}. {line.text}"
            if line.criterion_question:
                text += " — " + _("criterion not met: %(question)s") % {"question": line.criterion_question}
            lines.append(text)
        if decision.text:
            lines.append(_("Explanation: %(text)s") % {"text": decision.text})
        deadline = (review_deadline(auth_request) if decision.pk else None) or add_months(decided_on, 6)
        lines.append(
            _(
                "You may ask for a review (révision) of this decision within 6 months, that is until "
                "%(date)s, from the request's page in the PME online service."
            )
            % {"date": _date(deadline)}
        )
    return heading, lines


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


def draft_letter(auth_request: AuthorizationRequest, draft: LetterDraft) -> bytes:
    """The letter `draft` would send, dated today, built by the same code as the real one."""
    unsaved = Decision(
        auth_request=auth_request,
        kind=draft.kind,
        authorized_start=draft.authorized_start,
        authorized_end=draft.authorized_end,
        authorized_quantity=draft.authorized_quantity,
        text=draft.text,
        partial=draft.partial,
        created_at=timezone.now(),
    )
    return decision_letter(unsaved, reasons=list(draft.reasons))


def decision_letter(decision: Decision, *, reasons: list[ReasonLine] | None = None) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, pageCompression=1)
    pdf.setTitle(f"PME {decision.auth_request.number or ''}")
    pdf.setAuthor("PME")
    width, height = LETTER
    text_width = width - 2 * MARGIN
    y = height - MARGIN

    def need(space: float) -> None:
        nonlocal y
        if y - space < MARGIN:
            pdf.showPage()
            y = height - MARGIN

    first = decision.auth_request.prescriber.language or "fr"
    for language in _languages(first):
        with translation.override(language):
            heading, lines = _block(decision, reasons)
        need(1.5 * cm)
        pdf.setFont(BOLD, 14)
        pdf.drawString(MARGIN, y, heading)
        y -= 0.9 * cm
        for paragraph in lines:
            for row in simpleSplit(paragraph, FONT, 10.5, text_width):
                need(0.55 * cm)
                pdf.setFont(FONT, 10.5)
                pdf.drawString(MARGIN, y, row)
                y -= 0.5 * cm
            y -= 0.15 * cm
        y -= 0.8 * cm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
