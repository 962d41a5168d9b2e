from __future__ import annotations

import datetime as dt

import factory

from pme.catalogue.models import DIN, Criterion, Drug, ExceptionCode, Indication


class DrugFactory(factory.django.DjangoModelFactory[Drug]):
    class Meta:
        model = Drug
        django_get_or_create = ("key",)
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"drug-{n}")
    generic_name_fr = factory.Sequence(lambda n: f"médicament {n}")
    generic_name_en = factory.Sequence(lambda n: f"drug {n}")
    brand = factory.Sequence(lambda n: f"Brand{n}")
    list_status = "exception"
    therapeutic_system = "RE"

    @factory.post_generation
    def dins(obj: Drug, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            for din in extracted or []:
                DIN.objects.create(drug=obj, din=din)
            obj.refresh_search_document()


class ExceptionCodeFactory(factory.django.DjangoModelFactory[ExceptionCode]):
    class Meta:
        model = ExceptionCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"RE{n % 1000}")
    effective_from = dt.date(2020, 1, 1)


class IndicationFactory(factory.django.DjangoModelFactory[Indication]):
    class Meta:
        model = Indication

    drug = factory.SubFactory(DrugFactory)
    key = factory.Sequence(lambda n: f"indication-{n}")
    title_fr = "Asthme sévère"
    title_en = "Severe asthma"
    text_fr = "Traitement de l'asthme sévère."
    text_en = "Treatment of severe asthma."
    initial_duration = 12
    renewal_duration = 12
    effective_from = dt.date(2020, 1, 1)


class CriterionFactory(factory.django.DjangoModelFactory[Criterion]):
    class Meta:
        model = Criterion

    indication = factory.SubFactory(IndicationFactory)
    key = factory.Sequence(lambda n: f"criterion-{n}")
    kind = "yes_no"
    question_fr = "Le critère est-il rempli?"
    question_en = "Is the criterion met?"
    satisfying_values = factory.LazyFunction(lambda: [True])
