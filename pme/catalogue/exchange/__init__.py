"""The catalogue file format (docs/catalogue-format.md): reading CSV and JSON with line numbers,
validating, importing (`importer`) and exporting (`exporter`)."""
