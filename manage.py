#!/usr/bin/env python
"""Django's command-line entry point.

A checkout whose environment says nothing about its configuration (no DEBUG, SECRET_KEY nor
DATABASE_URL) is a developer's clone: commands then run with the development settings (DEBUG=1, plain
HTTP, SQLite under var/), so that every command of the README works as written. Production always sets
DEBUG=0 and a SECRET_KEY (README, .env.example), so this default never applies there; the web server
(config/wsgi.py) has no such default at all.
"""

import os
import sys

CONFIGURATION_VARIABLES = ("DEBUG", "SECRET_KEY", "DATABASE_URL")


def development_defaults(environ: dict[str, str] | os._Environ[str]) -> None:
    if not any(name in environ for name in CONFIGURATION_VARIABLES):
        environ["DEBUG"] = "1"
        environ.setdefault("PME_HTTPS", "0")


if __name__ == "__main__":
    development_defaults(os.environ)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
