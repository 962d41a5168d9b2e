"""Reads on the catalogue. The catalogue is public reference data: no access check is needed, so
views read through these functions directly (there is no access.py)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from pme.catalogue.models import Drug, Indication, ListStatus
from pme.catalogue.search_text import normalize
from pme.core.timeutils import local_today

_CODE_OR_NUMBER = re.compile(r"^([a-z]{2}[0-9]{1,3}|[0-9]+)$")


def _in_force(on: dt.date) -> Q:
    return Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))


def search_drugs(query: str, *, queryset: QuerySet[Drug] | None = None) -> QuerySet[Drug]:
    """Drugs whose generic name (French or English), brand, DIN or exception code contains `query`,
    ignoring accents, case and punctuation. Best first: a name, brand, DIN or code that starts with the
    query, then a word that starts with it, then any other match; alphabetical within each tier.

    Same SQL on SQLite and PostgreSQL: `LIKE` on the normalized `search_document` column."""
    drugs = queryset if queryset is not None else Drug.objects.all()
    needle = normalize(query)
    if not needle:
        return drugs.order_by("sort_name", "pk")
    needles = [needle]
    compact = needle.replace(" ", "")
    if compact != needle and _CODE_OR_NUMBER.match(compact):
        needles.append(compact)  # "AI 582", "0247 0365" written with spaces
    matches, term_prefix, word_prefix = Q(), Q(), Q()
    for n in needles:
        matches |= Q(search_document__contains=n)
        term_prefix |= Q(search_document__contains=f"| {n}")
        word_prefix |= Q(search_document__contains=f" {n}")
    return (
        drugs.filter(matches)
        .annotate(
            rank=Case(
                When(term_prefix, then=Value(0)),
                When(word_prefix, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "sort_name", "pk")
    )


def codified_filter(on: dt.date) -> Exists:
    return Exists(Indication.objects.filter(_in_force(on), drug=OuterRef("pk"), exception_code__isnull=False))


def public_drug_list(
    *,
    query: str = "",
    therapeutic_system: str = "",
    codified: bool | None = None,
    include_all_statuses: bool = False,
    on: dt.date | None = None,
) -> QuerySet[Drug]:
    """The public list: exception drugs (or every drug), searched and filtered."""
    on = on or local_today()
    drugs = Drug.objects.annotate(codified=codified_filter(on))
    if not include_all_statuses:
        drugs = drugs.filter(list_status=ListStatus.EXCEPTION)
    if therapeutic_system:
        drugs = drugs.filter(therapeutic_system=therapeutic_system)
    if codified is not None:
        drugs = drugs.filter(codified=codified)
    return search_drugs(query, queryset=drugs).prefetch_related("dins")


def suggestions(query: str, *, limit: int = 8) -> list[Drug]:
    """The first matches for the search box's suggestions (every status: a prescriber may look for a
    drug that left the exception list)."""
    if len(normalize(query)) < 2:
        return []
    return list(search_drugs(query)[:limit])


def drug_by_pk(pk: int) -> Drug | None:
    return Drug.objects.prefetch_related("dins").filter(pk=pk).first()


def indications_in_force(drug: Drug, *, on: dt.date | None = None) -> list[Indication]:
    """The versions in force on `on` (today), with their code and criteria loaded."""
    on = on or local_today()
    return list(
        drug.indications.filter(_in_force(on))
        .select_related("exception_code")
        .prefetch_related("criteria")
        .order_by("key")
    )


def upcoming_indications(drug: Drug, *, on: dt.date | None = None) -> list[Indication]:
    on = on or local_today()
    return list(
        drug.indications.filter(effective_from__gt=on)
        .select_related("exception_code")
        .prefetch_related("criteria")
        .order_by("effective_from", "key")
    )


def indication_version(pk: int) -> Indication | None:
    """One version, as requests store it, ready for `criteria.evaluate` without further queries."""
    from pme.catalogue.cached import criteria_of

    found = Indication.objects.select_related("drug", "exception_code").filter(pk=pk).first()
    if found is not None:
        criteria_of(found)  # from memory when this version is known
    return found


def current_version(lineage: uuid.UUID, *, on: dt.date | None = None) -> Indication | None:
    """The version of an indication in force on `on` (today)."""
    on = on or local_today()
    return (
        Indication.objects.select_related("drug", "exception_code")
        .prefetch_related("criteria")
        .filter(_in_force(on), lineage=lineage)
        .order_by("-version")
        .first()
    )


def versions_of(lineage: uuid.UUID) -> QuerySet[Indication]:
    return Indication.objects.filter(lineage=lineage).order_by("version")
