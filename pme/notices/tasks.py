"""The notices' task (django-tasks, database backend): arguments are ids only."""

from __future__ import annotations

from django_tasks import task

from pme.notices.services import send_notice


@task()
def send_notice_task(notice_id: int) -> str:
    return send_notice(notice_id)
