from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ThrottleCounter(models.Model):
    """One throttle counter (pme/core/throttle.py): changed only by single atomic SQL statements.

    `count` is the failures in a row (back-off counters) or the admissions (rate counters); `stamp` is
    the time, in seconds since the epoch, before which the next attempt waits (back-off) or the
    theoretical arrival time of the rate counter; `expires_at` is when the row can be forgotten."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.IntegerField(default=0)
    stamp = models.FloatField(default=0.0)
    expires_at = models.FloatField(db_index=True)

    class Meta:
        verbose_name = "throttle counter"

    def __str__(self) -> str:
        return self.key
