"""The interface layers only parse, call a door and render (docs/architecture.md, "Doors").

Views, JSON API endpoints and FHIR views may not write to the audit trail (`record(`) nor query a
protected model (`<Model>.objects`): every read of personal information and every change goes through
a door of its app, which applies the access rule and records the event. Templates may not reach a model
manager either, and the main pages run no query while their template renders.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.template.backends.django import Template as DjangoTemplate
from django.urls import reverse

from tests.personas import client_for

ROOT = Path(__file__).resolve().parent.parent
PROTECTED_APPS = ("accounts", "audit", "authorizations", "review", "notices", "otp_totp", "otp_static")
# Reference data that holds no personal information.
UNPROTECTED_MODELS = frozenset({"RefusalReason", "RequestCounter", "ReviewerProfile"})
# Names of the access rule's querysets: only doors may start from them.
RULE_QUERIES = frozenset({"requests_visible_to", "status_lines_visible_to"})
# The accounts views moved onto their doors on the security branch (issue 14): nothing is left here.
ACCOUNTS_VIEWS_IN_PROGRESS: frozenset[str] = frozenset()


def interface_modules() -> list[Path]:
    found = [*ROOT.glob("pme/*/views.py"), *ROOT.glob("pme/*/views/*.py")]
    found += [*ROOT.glob("pme/api/endpoints/*.py"), *ROOT.glob("pme/api/fhir/*.py"), ROOT / "pme/api/v1.py"]
    return sorted(p for p in found if p.name != "__init__.py")


def protected_model_names() -> set[str]:
    names = set()
    for label in PROTECTED_APPS:
        with contextlib.suppress(LookupError):
            names |= {m.__name__ for m in apps.get_app_config(label).get_models()}
    return names - UNPROTECTED_MODELS


def offences(path: Path, protected: set[str]) -> Iterator[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    where = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "record":
                yield f"{where}:{node.lineno}: calls record("
            if name in RULE_QUERIES:
                yield f"{where}:{node.lineno}: starts from the access rule's {name}()"
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            owner = node.value
            owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if owner_name in protected or owner_name == "get_user_model":
                yield f"{where}:{node.lineno}: queries {owner_name}.objects"
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "pme.audit.services"
            and any(alias.name == "record" for alias in node.names)
        ):
            yield f"{where}:{node.lineno}: imports record"


@pytest.mark.django_db
def test_interface_layers_neither_record_nor_query_protected_models():
    protected = protected_model_names()
    assert {"AuthorizationRequest", "Attachment", "Decision", "AuditEvent", "User"} <= protected
    found = [
        o
        for path in interface_modules()
        if str(path.relative_to(ROOT)) not in ACCOUNTS_VIEWS_IN_PROGRESS
        for o in offences(path, protected)
    ]
    assert not found, "\n".join(found)


def test_the_structural_check_catches_a_view_that_records_or_queries(tmp_path):
    """The check itself can fail: a view written the old way is caught."""
    bad = ROOT / "pme" / "_probe_view_for_test.py"
    bad.write_text(
        "from pme.audit.services import record\n"
        "def view(request):\n"
        "    item = AuthorizationRequest.objects.get(pk=1)\n"
        "    record('x', actor=None)\n"
        "    return requests_visible_to(request.user)\n"
    )
    try:
        found = list(offences(bad, {"AuthorizationRequest"}))
    finally:
        bad.unlink()
    assert len(found) == 4, found


def test_templates_reach_no_model_manager():
    found = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        if ".objects" in text:
            found.append(str(template.relative_to(ROOT)))
    assert not found


@contextlib.contextmanager
def no_query_while_rendering(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fails any SQL run while a Django template renders (a lazy queryset reached by a template)."""
    seen: list[str] = []
    original = DjangoTemplate.render

    def blocker(execute, sql, params, many, context):
        seen.append(sql)
        raise AssertionError(f"query during template rendering: {sql[:200]}")

    def render(self, context=None, request=None):
        with connection.execute_wrapper(blocker):
            return original(self, context, request)

    monkeypatch.setattr(DjangoTemplate, "render", render)
    yield seen


@pytest.fixture
def reviewed_request(prescriber, reviewer, collaborator):
    """A request with an attachment, an information request answered, and an acceptance."""
    from pme.authorizations.services import _add_attachment
    from pme.authorizations.tests.fixtures import pdf_upload
    from pme.review import services as review
    from pme.review.tests.factories import sent_for_review

    auth_request = sent_for_review(prescriber)
    _add_attachment(auth_request, actor=prescriber, upload=pdf_upload())
    review.take_request(reviewer=reviewer, request_id=auth_request.pk)
    review.request_information(
        reviewer=reviewer, request_id=auth_request.pk, questions="Spirométrie?", expected_version=None
    )
    from pme.authorizations.services import answer_information_request

    answer_information_request(actor=prescriber, request_id=auth_request.pk, text="Ci-jointe.")
    review.accept_request(
        reviewer=reviewer,
        request_id=auth_request.pk,
        start=dt.date(2026, 12, 1),
        end=dt.date(2027, 11, 30),
        quantity="1 par mois",
        expected_version=None,
    )
    return auth_request


def _main_pages(auth_request) -> list[tuple[str, str, str, dict[str, str] | None]]:
    """(persona, method, URL, POST data) of each role's main pages."""
    detail = reverse("authorizations:detail", args=[auth_request.pk])
    return [
        ("prescriber", "get", reverse("portal:home"), None),
        ("prescriber", "get", reverse("authorizations:list"), None),
        ("prescriber", "get", detail, None),
        ("collaborator", "get", reverse("portal:home"), None),
        ("collaborator", "get", detail, None),
        ("collaborator", "post", reverse("consultation:panorama"), {"nam": auth_request.nam}),
        ("pharmacist", "post", reverse("consultation:status_lookup"), {"nam": auth_request.nam}),
        ("reviewer", "get", reverse("portal:home"), None),
        ("reviewer", "get", reverse("review:queue"), None),
        ("reviewer", "get", reverse("review:detail", args=[auth_request.pk]), None),
        ("privacy_officer", "get", reverse("audit:events"), None),
    ]


@pytest.mark.django_db
def test_main_pages_run_no_query_while_their_template_renders(reviewed_request, personas, monkeypatch):
    for persona, method, url, data in _main_pages(reviewed_request):
        client = client_for(getattr(personas, persona))
        with no_query_while_rendering(monkeypatch) as seen:
            response = client.post(url, data, follow=True) if method == "post" else client.get(url)
        assert response.status_code == 200, (persona, url)
        assert seen == [], (persona, url, seen)


@pytest.mark.django_db
def test_the_template_check_catches_a_lazy_queryset(reviewed_request, prescriber, monkeypatch):
    """The check can fail: a template that reaches a related manager is caught."""
    from django.template import engines

    from pme.authorizations.models import AuthorizationRequest

    item = AuthorizationRequest.objects.get(pk=reviewed_request.pk)  # nothing of its history loaded
    template = engines["django"].from_string("{{ item.timeline.count }}")
    with no_query_while_rendering(monkeypatch), pytest.raises(AssertionError, match="query during"):
        template.render({"item": item})
