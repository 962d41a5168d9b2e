"""The confidentiality-incident register (Law 25): privacy officer only, every read and change audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Field
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from pme.audit import reads
from pme.audit.access import audited_read, privacy_officer_required
from pme.audit.forms import IncidentForm
from pme.audit.models import INCIDENT_FIELDS, ConfidentialityIncident, HarmRisk
from pme.audit.services import create_incident, update_incident
from pme.core.dates import long_date


def _field(name: str) -> Field[Any, Any]:
    field = ConfidentialityIncident._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def field_label(name: str) -> str:
    return str(_field(name).verbose_name).capitalize()


def _display(name: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "harm_risk":
        return str(dict(HarmRisk.choices).get(value, value))
    if _field(name).get_internal_type() == "DateField":
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        return long_date(day)
    return str(value)


def _rows(data: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(label, value, written): `written` for the officer's own words (shown with their language)."""
    return [
        (field_label(name), _display(name, data.get(name)), _field(name).get_internal_type() == "TextField")
        for name in INCIDENT_FIELDS
    ]


@never_cache
@require_safe
@privacy_officer_required
@audited_read
def incident_list(request: HttpRequest) -> HttpResponseBase:
    page = reads.list_incidents(actor=request.user, page=request.GET.get("page") or 1)
    return render(request, "audit/incidents.html", {"page": page})


@never_cache
@require_http_methods(["GET", "POST"])
@privacy_officer_required
@audited_read
def incident_new(request: HttpRequest) -> HttpResponseBase:
    form = IncidentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                incident = create_incident(actor=request.user, values=form.values())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Incident %(reference)s registered.") % {"reference": incident.reference},
                )
                return redirect("audit:incident", incident.pk)
        return render(request, "audit/incident_form.html", {"form": form}, status=400)
    return render(request, "audit/incident_form.html", {"form": form})


@never_cache
@require_safe
@privacy_officer_required
@audited_read
def incident_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    file = reads.open_incident(actor=request.user, incident_id=pk)
    incident = file.incident
    history = [
        {
            "version": v,
            "changed": [field_label(name) for name in v.changed_fields],
            "rows": _rows(v.data),
        }
        for v in file.versions
    ]
    current = {name: getattr(incident, name) for name in INCIDENT_FIELDS}
    context = {"incident": incident, "rows": _rows(current), "history": history}
    return render(request, "audit/incident_detail.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@privacy_officer_required
@audited_read
def incident_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    if request.method == "POST":
        # The form works on a copy: the service compares with the row as stored, then keeps both versions.
        form = IncidentForm(request.POST, instance=ConfidentialityIncident(pk=pk))
        if form.is_valid():
            try:
                incident, changed = update_incident(actor=request.user, incident_id=pk, values=form.values())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if changed:
                    messages.success(
                        request,
                        _("Incident %(reference)s saved as version %(version)s.")
                        % {"reference": incident.reference, "version": incident.version},
                    )
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("audit:incident", pk)
        file = reads.open_incident(actor=request.user, incident_id=pk, purpose="edit")
        context = {"form": form, "incident": file.incident}
        return render(request, "audit/incident_form.html", context, status=400)
    file = reads.open_incident(actor=request.user, incident_id=pk, purpose="edit")
    form = IncidentForm(instance=file.incident)
    return render(request, "audit/incident_form.html", {"form": form, "incident": file.incident})
