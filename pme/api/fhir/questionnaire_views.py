"""The criteria as FHIR Questionnaires: `GET Questionnaire/{id}` (one indication version) and
`GET Questionnaire?drug=&exception-code=&url=&status=` (search). Public reference data, as the
catalogue pages and the catalogue API: no token needed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pme.api.errors import ApiError
from pme.api.fhir import build
from pme.api.fhir.parse import FhirInputError
from pme.api.fhir.questionnaire import parse_canonical, questionnaire
from pme.api.fhir.views import _base_url, fhir_response, fhir_view
from pme.catalogue.published import STATUSES, find_versions, published_version

SEARCH_PARAMETERS = ("drug", "exception-code", "url", "status")


@require_GET
@fhir_view
def questionnaire_read(request: HttpRequest, pk: int) -> HttpResponse:
    indication = published_version(pk)
    if indication is None:
        raise ApiError.not_found()
    return fhir_response(questionnaire(indication))


@require_GET
@fhir_view
def questionnaire_search(request: HttpRequest) -> HttpResponse:
    """Unknown parameters are refused (400) rather than ignored, so a misspelt filter never returns the
    whole catalogue as if it had matched; parameters of the form _x (_format...) are ignored."""
    unknown = sorted(k for k in request.GET if k not in SEARCH_PARAMETERS and not k.startswith("_"))
    if unknown:
        raise FhirInputError(
            _("Unknown search parameter: %(names)s. Use %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(SEARCH_PARAMETERS)}
        )
    status = request.GET.get("status", "")
    if status and status not in STATUSES:
        raise FhirInputError(_("The status is active, retired or draft."))
    lineage = version = None
    url = request.GET.get("url", "")
    if url:
        lineage, version, _pk = parse_canonical(url)  # a read address is no canonical
        if lineage is None:
            return fhir_response(
                build.searchset([], base_url=_base_url(request), self_url=request.build_absolute_uri())
            )
    found = find_versions(
        drug=request.GET.get("drug", "")[:100],
        code=request.GET.get("exception-code", "")[:10],
        lineage=lineage,
        version=version,
        status=status,
    )
    return fhir_response(
        build.searchset(
            [questionnaire(i) for i in found],
            base_url=_base_url(request),
            self_url=request.build_absolute_uri(),
        )
    )
