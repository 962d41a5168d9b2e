from __future__ import annotations

import factory

from pme.accounts.models import PharmacistProfile, PrescriberProfile, Profession, Role, User

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    first_name = factory.Faker("first_name", locale="fr_CA")
    last_name = factory.Faker("last_name", locale="fr_CA")
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
