"""The drug catalogue: drugs and their DINs, exception codes, recognized indications and their criteria.

Reference data, versioned by effective dates. An `Indication` row is one *version* of a recognized
indication: a list update that changes it creates a new row with the same `lineage` (the stable identity)
and the next `version` number, and closes the previous one (`effective_to`). Payment authorization
requests point to the version they were made under, so a later update never changes what was assessed.
Criteria belong to a version and are copied with it.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from pme.catalogue.search_text import search_document
from pme.core.models import TimeStampedModel

DIN_RE = re.compile(r"^[0-9]{8}$")
CODE_RE = re.compile(r"^[A-Z]{2}[0-9]{1,3}$")
PSEUDO_DIN_PREFIX = "99"

din_validator = RegexValidator(
    DIN_RE, _("A DIN has exactly 8 digits, leading zeros included (e.g. 02470365)."), code="din"
)
code_validator = RegexValidator(
    CODE_RE,
    _("An exception code is two capital letters and 1 to 3 digits (e.g. AI582)."),
    code="exception_code",
)


def localized(obj: Any, field: str) -> str:
    """`obj.<field>_en` in English when filled, `obj.<field>_fr` otherwise (French is the reference)."""
    if (get_language() or "fr").startswith("en"):
        value = getattr(obj, f"{field}_en", "")
        if value:
            return str(value)
    return str(getattr(obj, f"{field}_fr", ""))


class ListStatus(models.TextChoices):
    REGULAR = "regular", _("Regular")
    EXCEPTION = "exception", _("Exception drug")
    NOT_LISTED = "not_listed", _("Not listed")


class TherapeuticSystem(models.TextChoices):
    """The two letters that start an exception code. Drugs without a code are filed under one too."""

    AI = "AI", _("Anti-infectives")
    CV = "CV", _("Cardiovascular system")
    DE = "DE", _("Dermatology")
    EN = "EN", _("Endocrinology and metabolism")
    GI = "GI", _("Digestive system")
    HE = "HE", _("Blood and blood-forming organs")
    IM = "IM", _("Immunology and rheumatology")
    MU = "MU", _("Musculoskeletal system")
    ON = "ON", _("Oncology")
    OP = "OP", _("Ophthalmology")
    RE = "RE", _("Respiratory system")
    SN = "SN", _("Nervous system")
    DM = "DM", _("Medical devices and supplies")


class Drug(TimeStampedModel):
    key = models.SlugField(
        _("key"),
        max_length=80,
        unique=True,
        help_text=_("Stable identifier used in addresses and import files, e.g. dupilumab."),
    )
    generic_name_fr = models.CharField(_("generic name (French)"), max_length=200)
    generic_name_en = models.CharField(_("generic name (English)"), max_length=200)
    brand = models.CharField(
        _("brand names"), max_length=200, blank=True, help_text=_("Separate several brands with ;")
    )
    form = models.CharField(_("form"), max_length=120, blank=True)
    strength = models.CharField(_("strength"), max_length=120, blank=True)
    list_status = models.CharField(
        _("status on the list"), max_length=16, choices=ListStatus.choices, default=ListStatus.EXCEPTION
    )
    therapeutic_system = models.CharField(
        _("therapeutic system"), max_length=2, choices=TherapeuticSystem.choices
    )
    note_fr = models.TextField(_("note (French)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    # Normalized names, brands, DINs and codes (see search_text.py); kept up to date by
    # `refresh_search_document()`, which every write path (services, import, admin) calls.
    search_document = models.TextField(editable=False, default="")
    sort_name = models.CharField(max_length=200, editable=False, default="", db_index=True)

    class Meta:
        ordering = ["sort_name"]
        verbose_name = _("drug")
        verbose_name_plural = _("drugs")

    def __str__(self) -> str:
        return f"{self.generic_name_fr} ({self.brand})" if self.brand else self.generic_name_fr

    @property
    def generic_name(self) -> str:
        return localized(self, "generic_name")

    @property
    def brands(self) -> list[str]:
        return [b.strip() for b in self.brand.split(";") if b.strip()]

    def search_terms(self) -> list[str]:
        dins = [d.din for d in self.dins.all()] if self.pk else []
        codes = (
            sorted({i.exception_code.code for i in self.indications.all() if i.exception_code is not None})
            if self.pk
            else []
        )
        return [self.generic_name_fr, self.generic_name_en, *self.brands, *dins, *codes]

    def refresh_search_document(self, *, save: bool = True) -> None:
        from pme.catalogue.search_text import normalize

        self.search_document = search_document(self.search_terms())
        self.sort_name = normalize(self.generic_name_fr)[:200]
        if save and self.pk:
            Drug.objects.filter(pk=self.pk).update(
                search_document=self.search_document, sort_name=self.sort_name
            )


class DIN(models.Model):
    """A drug identification number (Health Canada) or a Régie pseudo-DIN (starting with 99)."""

    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, related_name="dins", verbose_name=_("drug"))
    din = models.CharField(_("DIN"), max_length=8, unique=True, validators=[din_validator])

    class Meta:
        ordering = ["din"]
        verbose_name = _("DIN")
        verbose_name_plural = _("DINs")

    def __str__(self) -> str:
        return self.din

    @property
    def is_pseudo(self) -> bool:
        return self.din.startswith(PSEUDO_DIN_PREFIX)


class ExceptionCode(models.Model):
    """A code the prescriber writes on the prescription instead of sending a request.

    A withdrawn code stops being usable for new prescriptions on `withdrawn_on` but stays valid, for
    prescriptions that already bear it, until `valid_until`."""

    code = models.CharField(_("code"), max_length=5, unique=True, validators=[code_validator])
    effective_from = models.DateField(_("in force from"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("For a withdrawn code: last day a prescription bearing it is still honoured."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("exception code")
        verbose_name_plural = _("exception codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(withdrawn_on__isnull=False),
                name="catalogue_code_valid_until_needs_withdrawal",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("withdrawn_on")),
                name="catalogue_code_valid_after_withdrawal",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def therapeutic_system(self) -> str:
        return self.code[:2]

    def is_withdrawn(self, on: dt.date) -> bool:
        return self.withdrawn_on is not None and on >= self.withdrawn_on

    def can_be_prescribed(self, on: dt.date) -> bool:
        """A new prescription may bear this code on `on`."""
        return self.effective_from <= on and not self.is_withdrawn(on)

    def is_honoured(self, on: dt.date) -> bool:
        """A prescription bearing this code is paid on `on` (withdrawn codes until `valid_until`)."""
        if on < self.effective_from:
            return False
        if not self.is_withdrawn(on):
            return True
        return self.valid_until is not None and on <= self.valid_until

    def clean(self) -> None:
        super().clean()
        if self.valid_until and not self.withdrawn_on:
            raise ValidationError({"valid_until": _("Only a withdrawn code has a validity end date.")})
        if self.valid_until and self.withdrawn_on and self.valid_until < self.withdrawn_on:
            raise ValidationError({"valid_until": _("The validity ends after the withdrawal, not before.")})


class DurationUnit(models.TextChoices):
    DAYS = "days", _("days")
    WEEKS = "weeks", _("weeks")
    MONTHS = "months", _("months")


class Indication(TimeStampedModel):
    """One version of a recognized indication for payment (see the module docstring)."""

    drug = models.ForeignKey(
        Drug, on_delete=models.PROTECT, related_name="indications", verbose_name=_("drug")
    )
    lineage = models.UUIDField(
        _("identity"), default=uuid.uuid4, editable=False, help_text=_("The same for every version.")
    )
    key = models.SlugField(_("key"), max_length=80, help_text=_("Unique within the drug, e.g. asthma."))
    version = models.PositiveIntegerField(_("version"), default=1)
    title_fr = models.CharField(_("title (French)"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250)
    text_fr = models.TextField(_("text (French)"))
    text_en = models.TextField(_("text (English)"))
    exception_code = models.ForeignKey(
        ExceptionCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indications",
        verbose_name=_("exception code"),
    )
    duration_unit = models.CharField(
        _("duration unit"), max_length=8, choices=DurationUnit.choices, default=DurationUnit.MONTHS
    )
    initial_duration = models.PositiveSmallIntegerField(
        _("initial authorization duration"), null=True, blank=True
    )
    renewal_duration = models.PositiveSmallIntegerField(
        _("renewal duration"), null=True, blank=True, help_text=_("Empty: no renewal.")
    )
    quantity_rule_fr = models.CharField(_("maximum quantity or dose (French)"), max_length=250, blank=True)
    quantity_rule_en = models.CharField(_("maximum quantity or dose (English)"), max_length=250, blank=True)
    automatic_decision = models.BooleanField(
        _("automatic decision allowed"),
        default=False,
        help_text=_("A request whose required criteria are all met is accepted at once."),
    )
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True, help_text=_("Last day."))

    class Meta:
        ordering = ["drug__sort_name", "key", "version"]
        verbose_name = _("recognized indication")
        verbose_name_plural = _("recognized indications")
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="catalogue_indication_version"),
            models.UniqueConstraint(fields=["drug", "key", "version"], name="catalogue_indication_key"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="catalogue_indication_dates",
            ),
        ]

    def __str__(self) -> str:
        code = f" [{self.exception_code.code}]" if self.exception_code_id and self.exception_code else ""
        return f"{self.drug.generic_name_fr}: {self.title_fr}{code} (v{self.version})"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def quantity_rule(self) -> str:
        return localized(self, "quantity_rule")

    @property
    def is_codified(self) -> bool:
        return self.exception_code_id is not None

    def is_in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class CriterionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("Choice")
    NUMBER = "number", pgettext_lazy("criterion kind", "Number")
    DATE = "date", _("Date")
    TEXT = "text", _("Free text")
    PREVIOUS_TREATMENTS = "previous_treatments", _("Previous treatments")


class Comparison(models.TextChoices):
    """How a number or a date answer is compared with the threshold."""

    GE = "ge", "≥"
    GT = "gt", ">"
    LE = "le", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    WITHIN_DAYS = "within_days", _("at most N days before the request")
    DAYS_AGO_AT_LEAST = "days_ago_at_least", _("at least N days before the request")


class TreatmentOutcome(models.TextChoices):
    """Why a previous treatment was stopped (the request form's words)."""

    INEFFECTIVE = "ineffective", _("Ineffective")
    NOT_TOLERATED = "not_tolerated", _("Not tolerated")
    CONTRAINDICATED = "contraindicated", _("Contraindicated")
    OTHER = "other", _("Other")


class Criterion(models.Model):
    """A structured question of an indication version. Evaluation: `pme.catalogue.criteria`.

    Criteria sharing a non-empty `group` are alternatives (any one met is enough); the groups, and
    the criteria without a group, must all be met."""

    indication = models.ForeignKey(
        Indication, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("indication")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(_("key"), max_length=60)
    group = models.SlugField(_("group of alternatives"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=CriterionKind.choices)
    question_fr = models.CharField(_("question (French)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300)
    hint_fr = models.CharField(_("hint (French)"), max_length=300, blank=True)
    hint_en = models.CharField(_("hint (English)"), max_length=300, blank=True)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_('[{"value": "...", "fr": "...", "en": "..."}]')
    )
    satisfying_values = models.JSONField(
        _("satisfying answers"),
        default=list,
        blank=True,
        help_text=_("Yes/no: [true]; choice: the values that satisfy; previous treatments: the outcomes."),
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    comparison = models.CharField(_("comparison"), max_length=20, choices=Comparison.choices, blank=True)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Number: the value compared; date: N days; previous treatments: the minimum count."),
    )
    required_for_automatic = models.BooleanField(_("required for an automatic decision"), default=True)

    class Meta:
        ordering = ["indication", "position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["indication", "key"], name="catalogue_criterion_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.question_fr}"

    @property
    def question(self) -> str:
        return localized(self, "question")

    @property
    def hint(self) -> str:
        return localized(self, "hint")

    def choice_label(self, value: Any) -> str:
        language = "en" if (get_language() or "fr").startswith("en") else "fr"
        for choice in self.choices or []:
            if choice.get("value") == value:
                return str(choice.get(language) or choice.get("fr") or value)
        return str(value)

    def clean(self) -> None:
        super().clean()
        from pme.catalogue.criteria import spec_problems

        problems = spec_problems(self)
        if problems:
            raise ValidationError(problems)


# What a criterion says, in the order of its columns: every field but its place (indication, position).
# The one declaration behind the exchange format's columns, the importer's comparison and the copy made
# when a new version of an indication is published.
CRITERION_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Criterion._meta.concrete_fields if f.name not in ("id", "indication", "position")
)
