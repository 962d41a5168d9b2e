from __future__ import annotations

import factory
from django.utils import timezone

from pme.accounts.models import (
    AccessRequest,
    AccessRequestStatus,
    Delegation,
    DelegationPermission,
    PharmacistProfile,
    PrescriberProfile,
    Profession,
    Role,
    StaffKind,
    User,
)
from pme.core.timeutils import local_today

_FIRST_NAMES = ("Amélie", "Bruno", "Céline", "Damien", "Élodie", "Félix", "Geneviève", "Hugo", "Inès")
_LAST_NAMES = ("Archambault", "Bellefeuille", "Desrosiers", "Lapointe", "Vézina", "Nadeau", "Thibodeau")

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    # Deterministic names, none of which the tests use for insured persons (Tremblay, Julie...), so that
    # "this name is not on the page" assertions cannot collide with a random persona name.
    first_name = factory.Sequence(lambda n: _FIRST_NAMES[n % len(_FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: _LAST_NAMES[n % len(_LAST_NAMES)])
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.PRESCRIBER
    language = "fr"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class PrescriberProfileFactory(factory.django.DjangoModelFactory[PrescriberProfile]):
    class Meta:
        model = PrescriberProfile

    user = factory.SubFactory(UserFactory, role=Role.PRESCRIBER)
    profession = Profession.GENERAL_PRACTITIONER
    professional_number = factory.Sequence(lambda n: f"1{n:05d}{n % 10}")


class PharmacistProfileFactory(factory.django.DjangoModelFactory[PharmacistProfile]):
    class Meta:
        model = PharmacistProfile

    user = factory.SubFactory(UserFactory, role=Role.PHARMACIST)
    licence_number = factory.Sequence(lambda n: f"3{n:06d}")
    pharmacy = "Pharmacie du Parc"


class DelegationFactory(factory.django.DjangoModelFactory[Delegation]):
    class Meta:
        model = Delegation

    collaborator = factory.SubFactory(UserFactory, role=Role.COLLABORATOR)
    prescriber = factory.SubFactory(UserFactory, role=Role.PRESCRIBER)
    permission = DelegationPermission.CONSULT
    starts_on = factory.LazyFunction(local_today)
    accepted_at = factory.LazyFunction(timezone.now)


class AccessRequestFactory(factory.django.DjangoModelFactory[AccessRequest]):
    """A request the person has completed (status submitted): ready for the Régie."""

    class Meta:
        model = AccessRequest

    prescriber = factory.SubFactory(UserFactory, role=Role.PRESCRIBER)
    first_name = "Chantal"
    last_name = "Roy"
    user_first_name = "Chantal"
    user_last_name = "Roy"
    user_job_title = "Adjointe administrative"
    email = factory.Sequence(lambda n: f"person{n}@clinique.example")
    language = "fr"
    staff_kind = StaffKind.ADMINISTRATIVE
    clinic = "Clinique Laurier"
    permission = DelegationPermission.CONSULT
    attested_at = factory.LazyFunction(timezone.now)
    status = AccessRequestStatus.SUBMITTED
    completed_at = factory.LazyFunction(timezone.now)
    commitment_accepted_at = factory.LazyFunction(timezone.now)
