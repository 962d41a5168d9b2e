"""Demo only: prints the current one-time code of a demo staff member's authenticator, so the demo can be
tried without a phone. Refuses outside DEBUG, so it cannot help anyone on a production server."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "DEBUG only: print the current TOTP code (and the otpauth URL) of a demo user's device."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_totp_code works only with DEBUG=1 (demo and development).")
        device = TOTPDevice.objects.filter(
            user__username=options["username"], confirmed=True, name="PME demo"
        ).first()
        if device is None:
            raise CommandError(f"No demo device for {options['username']}: run seed_demo first.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stdout.write(f"To add it to an authenticator app: {device.config_url}")
