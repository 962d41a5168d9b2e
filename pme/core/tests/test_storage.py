"""The production static storage remembers each address, and answers what whitenoise's storage answers."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from pme.core.storage import StaticStorage

MANIFEST = {"version": "1.1", "hash": "0", "paths": {"css/pme.css": "css/pme.0a1b2c.css"}}


@pytest.fixture
def root(tmp_path):
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    return tmp_path


@override_settings(DEBUG=False, STATIC_URL="/static/")
def test_the_hashed_address_is_the_manifests_and_is_remembered(root):
    storage = StaticStorage(location=root, base_url="/static/")
    plain = CompressedManifestStaticFilesStorage(location=root, base_url="/static/")
    assert storage.url("css/pme.css") == plain.url("css/pme.css") == "/static/css/pme.0a1b2c.css"
    storage.hashed_files.clear()  # what is remembered no longer needs the manifest
    assert storage.url("css/pme.css") == "/static/css/pme.0a1b2c.css"


@override_settings(DEBUG=False, STATIC_URL="/static/")
def test_a_file_missing_from_the_manifest_is_still_refused(root):
    storage = StaticStorage(location=root, base_url="/static/")
    for _attempt in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("js/absent.js")


def test_with_debug_the_names_stay_as_they_are(root):
    storage = StaticStorage(location=root, base_url="/static/")
    with override_settings(DEBUG=True):
        assert storage.url("css/pme.css") == "/static/css/pme.css"
    with override_settings(DEBUG=False):
        assert storage.url("css/pme.css") == "/static/css/pme.0a1b2c.css"
