"""`__among`: an `__in` of code constants written into the SQL, so that a reused (generic) plan can still
use the partial indexes of the open statuses."""

from __future__ import annotations

import pytest
from django.db import connection

from pme.authorizations.lifecycle import Status
from pme.authorizations.models import AuthorizationRequest
from pme.authorizations.tests.factories import make_draft

OPEN = (Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED)


@pytest.mark.django_db
def test_among_finds_what_in_finds(prescriber):
    from pme.authorizations.services import submit_request

    sent = submit_request(request_id=make_draft(prescriber).pk, actor=prescriber).auth_request
    make_draft(prescriber)
    among = AuthorizationRequest.objects.filter(status__among=OPEN)
    assert list(among) == list(AuthorizationRequest.objects.filter(status__in=OPEN)) == [sent]
    assert list(AuthorizationRequest.objects.filter(status__among=[Status.DRAFT])) != [sent]


def test_the_constants_are_in_the_sql_and_nothing_else_is_accepted():
    sql, params = AuthorizationRequest.objects.filter(status__among=OPEN).query.sql_with_params()
    assert "IN ('submitted', 'in_review', 'information_requested')" in sql
    assert params == ()
    for wrong in (["x' OR '1'='1"], ["Submitted"], [], ["in review"]):
        with pytest.raises(ValueError, match="code constants"):
            AuthorizationRequest.objects.filter(status__among=wrong).query.sql_with_params()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans of prepared statements: PostgreSQL")
def test_the_queue_drug_list_uses_the_partial_index_under_a_generic_plan(reviewer):
    """What a prepared statement reused for any parameters can do: with the statuses as parameters no
    plan may use `authreq_queue`; written as constants, the generic plan does."""
    from pme.review.selectors import drugs_in_queue

    def generic_plan(queryset) -> str:
        sql, params = queryset.query.sql_with_params()
        numbered = sql.replace("%s", "{}").format(*(f"${i}" for i in range(1, len(params) + 1)))
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"PREPARE pme_probe AS {numbered}")
            assert all(str(p).isidentifier() for p in params)  # statuses: safe to write as constants
            constants = ", ".join(f"'{p}'" for p in params)
            cursor.execute(
                f"EXPLAIN EXECUTE pme_probe({constants})" if params else "EXPLAIN EXECUTE pme_probe"
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("DEALLOCATE pme_probe")
        return plan

    assert "authreq_queue" in generic_plan(drugs_in_queue(reviewer))
    with_parameters = AuthorizationRequest.objects.filter(status__in=OPEN, drug__isnull=False)
    assert "authreq_queue" not in generic_plan(with_parameters.values("drug_id"))
