"""manage.py export_catalogue [--format json|csv] [--output FILE]: the import format, back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pme.catalogue.exchange.exporter import export_catalogue


class Command(BaseCommand):
    help = "Write the catalogue (latest version of each indication) in the import format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "csv"], default=None)
        parser.add_argument("--output", type=Path, default=None, help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path | None = options["output"]
        file_format = options["format"] or (output.suffix.lstrip(".") if output else "json")
        if file_format not in ("json", "csv"):
            file_format = "json"
        text = export_catalogue(file_format=file_format)
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(f"Catalogue written to {output}.")
