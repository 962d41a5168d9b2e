"""The request's content in the JSON API, derived from its one declaration (`pme.authorizations.content`)
and the model's columns: a field added to the request appears in `RequestIn` and `RequestOut` with the
column's type, length and choices, without an edit here."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.validators import RegexValidator
from django.db import models
from pydantic import Field

from pme.authorizations import content
from pme.authorizations.models import AuthorizationRequest

# Limits the model does not state (a form field's bound).
_BOUNDS: dict[str, dict[str, Any]] = {"requested_duration": {"ge": 1, "le": 999}}


def _annotation(column: models.Field[Any, Any]) -> Any:
    if column.choices:
        values = tuple(str(value) for value, _label in column.flatchoices)
        base: Any = Literal[values]
    elif isinstance(column, models.BooleanField):
        base = bool
    elif isinstance(column, models.DateField):
        base = dt.date
    elif isinstance(column, models.IntegerField):
        base = int
    else:
        base = str
    return base | None if column.null else base


def input_field(name: str) -> tuple[Any, Any]:
    """(annotation, pydantic Field) of a plain content field in a request body."""
    column = AuthorizationRequest._meta.get_field(name)
    assert isinstance(column, models.Field)
    annotation = _annotation(column)
    options: dict[str, Any] = dict(_BOUNDS.get(name, {}))
    if isinstance(column, models.CharField | models.TextField) and not column.choices:
        if column.max_length:
            options["max_length"] = column.max_length
        for validator in column.validators:
            if isinstance(validator, RegexValidator):
                regex = validator.regex
                options["pattern"] = regex if isinstance(regex, str) else regex.pattern
    if column.has_default():
        default = column.get_default()
    elif column.null:
        default = None
    elif column.blank:
        default = ""
    else:
        if annotation is str:
            options["min_length"] = 1
        return annotation, Field(..., **options)
    if isinstance(default, str) and "pattern" in options:
        options["pattern"] = f"^(?:{options['pattern'].strip('^$')})?$"  # empty is allowed too
    return annotation, Field(default, **options)


def input_fields() -> dict[str, tuple[Any, Any]]:
    return {name: input_field(name) for name in content.plain_fields()}


def output_fields() -> dict[str, tuple[Any, Any]]:
    fields: dict[str, tuple[Any, Any]] = {}
    for name in content.plain_fields():
        column = AuthorizationRequest._meta.get_field(name)
        assert isinstance(column, models.Field)
        fields[name] = (_annotation(column), ...)
    return fields


def output_values(auth_request: AuthorizationRequest) -> dict[str, Any]:
    return {name: getattr(auth_request, name) for name in content.plain_fields()}
