"""Decision e-mails now go through the one notifier (pme.notices): their delivery records move there."""

from django.db import migrations

KINDS = {
    "accepted": "review.accepted",
    "refused": "review.refused",
    "information_requested": "review.information_requested",
}


def copy_deliveries(apps, schema_editor):
    NoticeDelivery = apps.get_model("review", "NoticeDelivery")
    Notice = apps.get_model("notices", "Notice")
    for delivery in NoticeDelivery.objects.select_related("decision", "recipient").iterator():
        notice = Notice.objects.create(
            kind=KINDS.get(delivery.decision.kind, "review.accepted"),
            recipient_id=delivery.recipient_id,
            language=getattr(delivery.recipient, "language", "") or "fr",
            object_type="authorizations.authorizationrequest",
            object_id=str(delivery.decision.auth_request_id),
            params={"decision": delivery.decision_id},
            state=delivery.state,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
            last_error=delivery.last_error,
            sent_at=delivery.sent_at,
        )
        Notice.objects.filter(pk=notice.pk).update(created_at=delivery.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0002_initial_refusal_reasons"),
        ("notices", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_deliveries, migrations.RunPython.noop),
        migrations.DeleteModel(name="NoticeDelivery"),
    ]
