"""Public pages of the catalogue: no login needed (the list of exception drugs is public)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from pme.catalogue import selectors
from pme.catalogue.forms import DrugSearchForm

PAGE_SIZE = 50


@require_safe
def drug_list(request: HttpRequest) -> HttpResponse:
    form = DrugSearchForm(request.GET or None)
    form.fields["q"].widget.attrs.update(
        {
            "data-suggest-url": reverse("catalogue:suggest"),
            "data-suggest-label": _("Suggestions"),
            "data-suggest-count": _("Suggestions: %(count)s. Use the down arrow to reach them."),
            "data-suggest-none": _("No suggestion."),
        }
    )
    drugs = selectors.public_drug_list()
    status = 200
    if form.is_bound:
        if form.is_valid():
            drugs = selectors.public_drug_list(
                query=form.cleaned_data["q"],
                therapeutic_system=form.cleaned_data["system"],
                codified=form.codified_value(),
            )
        else:
            status = 400
    page = Paginator(drugs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/drug_list.html",
        {"form": form, "page": page, "querystring": query.urlencode(), "searched": form.is_bound},
        status=status,
    )


@require_safe
def drug_detail(request: HttpRequest, pk: int) -> HttpResponse:
    drug = selectors.drug_by_pk(pk)
    if drug is None:
        raise Http404
    return render(
        request,
        "catalogue/drug_detail.html",
        {
            "drug": drug,
            "indications": selectors.indications_in_force(drug),
            "upcoming": selectors.upcoming_indications(drug),
        },
    )


@require_safe
def suggest(request: HttpRequest) -> JsonResponse:
    """Suggestions for the search box (progressive enhancement: the list page works without it)."""
    query = request.GET.get("q", "")[:100]
    results = [
        {
            "label": drug.generic_name,
            "brand": drug.brand,
            "url": reverse("catalogue:drug", args=[drug.pk]),
        }
        for drug in selectors.suggestions(query)
    ]
    return JsonResponse({"results": results})
