"""The names of the two look-ups, the Régie's wording, used by the pages and the portal's menu (kept here
so that their translation lives in this app's catalogue)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PANORAMA_TITLE = _("View requests by insured person")
STATUS_LOOKUP_TITLE = _("Status of a request for an insured person")
