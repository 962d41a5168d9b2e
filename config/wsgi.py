import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# A production server never serves a database that holds the demo accounts (pme/portal/checks.py).
from pme.portal.checks import refuse_demo_accounts_in_production  # noqa: E402

refuse_demo_accounts_in_production()

# Nor without the audit chain's key (pme/audit/checks.py).
from pme.audit.checks import refuse_production_without_chain_key  # noqa: E402

refuse_production_without_chain_key()
