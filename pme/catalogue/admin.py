"""Régie staff edit the catalogue here. Django admin keeps the change history of every object
(LogEntry, "History" button); the search column is refreshed after each save."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from pme.catalogue.models import DIN, Criterion, Drug, ExceptionCode, Indication
from pme.catalogue.services import refresh_search


class DINInline(admin.TabularInline[DIN, Drug]):
    model = DIN
    extra = 1


@admin.register(Drug)
class DrugAdmin(admin.ModelAdmin[Drug]):
    list_display = ("generic_name_fr", "brand", "list_status", "therapeutic_system", "key")
    list_filter = ("list_status", "therapeutic_system")
    search_fields = ("generic_name_fr", "generic_name_en", "brand", "dins__din", "key")
    prepopulated_fields = {"key": ("generic_name_en",)}
    inlines = [DINInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        refresh_search(form.instance)


class CriterionInline(admin.StackedInline[Criterion, Indication]):
    model = Criterion
    extra = 0


@admin.register(Indication)
class IndicationAdmin(admin.ModelAdmin[Indication]):
    list_display = ("drug", "title_fr", "exception_code", "version", "effective_from", "effective_to")
    list_filter = ("exception_code__code", "automatic_decision")
    search_fields = ("title_fr", "title_en", "drug__generic_name_fr", "exception_code__code")
    list_select_related = ("drug", "exception_code")
    readonly_fields = ("lineage",)
    inlines = [CriterionInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        refresh_search(form.instance.drug)


@admin.register(ExceptionCode)
class ExceptionCodeAdmin(admin.ModelAdmin[ExceptionCode]):
    list_display = ("code", "effective_from", "withdrawn_on", "valid_until")
    search_fields = ("code",)

    def save_model(self, request: HttpRequest, obj: ExceptionCode, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        drugs: QuerySet[Drug] = Drug.objects.filter(indications__exception_code=obj).distinct()
        for drug in drugs:
            refresh_search(drug)
