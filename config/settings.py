"""PME settings: one file, read from the environment. Every variable is listed in .env.example."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import database_config, env_bool, env_int, env_list, secret_key, trusted_proxies

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PME_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = secret_key(os.environ, DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# HTTPS-only cookies and redirects are on unless explicitly turned off for a plain-HTTP local run.
HTTPS = env_bool("PME_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("PME_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("PME_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# The reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or networks);
# from anyone else those headers are dropped (pme.core.middleware.TrustedProxyMiddleware).
# PME_BEHIND_PROXY=1 alone trusts a proxy on the same machine (127.0.0.1, ::1).
PME_BEHIND_PROXY = env_bool("PME_BEHIND_PROXY", default=False)
PME_TRUSTED_PROXIES = trusted_proxies(
    env_list("PME_TRUSTED_PROXIES", ["127.0.0.1", "::1"] if PME_BEHIND_PROXY else [])
)
if PME_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute session lifetime: 12 hours
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_TIMEOUT = env_int("PME_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
LANGUAGE_COOKIE_SECURE = HTTPS
# Under HTTPS the cookies carry the __Host- prefix: the browser then refuses them unless they were set
# over HTTPS, for this exact host (no Domain) and the whole site (Path=/), so a sibling subdomain cannot
# plant or overwrite them.
SESSION_COOKIE_NAME = "__Host-pme_session" if HTTPS else "pme_session"
CSRF_COOKIE_NAME = "__Host-pme_csrf" if HTTPS else "pme_csrf"
PME_DEVICE_COOKIE_NAME = "__Host-pme_device" if HTTPS else "pme_device"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

INSTALLED_APPS = [
    "pme.core",
    "pme.audit",
    "pme.notices",
    "pme.accounts",
    "pme.catalogue",
    "pme.authorizations",
    "pme.consultation",
    "pme.review",
    "pme.api",
    "pme.portal",
    "pme.accounts.admin_apps.PmeAdminConfig",  # django.contrib.admin, with PME's locked site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from our static files (never its CDN template)
]

MIDDLEWARE = [
    "pme.core.middleware.TrustedProxyMiddleware",  # first: the client address and scheme everyone sees
    "django.middleware.security.SecurityMiddleware",
    "pme.audit.middleware.RequestContextMiddleware",  # the caller's address for audit events
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pme.portal.errors.BadInputMiddleware",  # 413 for oversize bodies, 503 when the audit cannot be written
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pme.core.middleware.NoStoreMiddleware",  # Cache-Control: no-store for every authenticated answer
    # Session timeouts, temporary password, second factor (in place of django-otp's middleware: the
    # second-factor state is read from the session, without a query per request).
    "pme.accounts.middleware.AccountGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pme.portal.context_processors.navigation",
            ],
            # Dates and numbers in the page's language in every template (pme/core/templatetags/pme.py).
            "builtins": ["pme.core.templatetags.pme"],
        },
    }
]

DATABASES = {
    "default": database_config(os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pme.sqlite3'}")),
}
# Persistent connections (with a health check before reuse): a request then skips PostgreSQL's connection
# set-up, measured by `make bench` (docs/performance.md). 0 opens one per request; SQLite always does.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every worker process, in the database (the one store every deployment has). The
# throttles do not use it: their counters need atomic updates (pme/core/throttle.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pme_cache",
    }
}

# Look-ups by insured person (panorama, pharmacist status): at most LIMIT per user in any sliding window.
PME_LOOKUP_LIMIT = env_int("PME_LOOKUP_LIMIT", 60, minimum=1)
PME_LOOKUP_WINDOW_SECONDS = env_int("PME_LOOKUP_WINDOW_SECONDS", 600, minimum=1)
PME_BENCH_VIEWS = env_bool("PME_BENCH_VIEWS", default=False)  # bench/run.py only: adds /bench/minimal
# Systems calling by token (docs/api.md): coverage checks of pharmacy software and CDS Hooks calls of
# clinic records, each at most LIMIT per token in a window (a fixed window: up to twice LIMIT across
# a window boundary). 300 in 10 minutes is several times what the busiest pharmacy or clinic sends.
PME_COVERAGE_LIMIT = env_int("PME_COVERAGE_LIMIT", 300, minimum=1)
PME_COVERAGE_WINDOW_SECONDS = env_int("PME_COVERAGE_WINDOW_SECONDS", 600, minimum=1)
PME_CDS_LIMIT = env_int("PME_CDS_LIMIT", 300, minimum=1)
PME_CDS_WINDOW_SECONDS = env_int("PME_CDS_WINDOW_SECONDS", 600, minimum=1)
# How long the request form pre-filled from a CDS Hooks card stays available (seconds; used once).
PME_PREFILL_SECONDS = env_int("PME_PREFILL_SECONDS", 900, minimum=60)

AUTH_USER_MODEL = "accounts.User"
# Refuses inactive accounts and accounts without a role (e.g. made by createsuperuser) everywhere.
AUTHENTICATION_BACKENDS = ["pme.accounts.backends.AccountBackend"]
# The Django admin: off unless PME_ADMIN_ENABLED=1; even then only for Régie staff flagged is_staff who
# passed the second factor in this session, after the same login page as everyone
# (pme/accounts/admin_site.py).
PME_ADMIN_ENABLED = env_bool("PME_ADMIN_ENABLED", default=False)
# Per API token (JSON API and FHIR): PME_API_BURST calls at once, then PME_API_RATE_PER_MINUTE per minute.
PME_API_RATE_PER_MINUTE = env_int("PME_API_RATE_PER_MINUTE", 300, minimum=1)
PME_API_BURST = env_int("PME_API_BURST", 60, minimum=1)
# django-otp's own per-device delays are off: pme/accounts/throttle.py locks the second factor per user,
# with a visible message and an audit event.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B and ASVS 6.2: length, a blocklist, patterns and context words; no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "pme.accounts.passwords.LengthValidator"},
    {"NAME": "pme.accounts.passwords.BlocklistValidator"},
    {"NAME": "pme.accounts.passwords.PatternValidator"},
    {"NAME": "pme.accounts.passwords.ContextWordsValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/Montreal"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "pme.core.storage.StaticStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Bodies: forms and JSON at most DATA_UPLOAD_MAX_MEMORY_SIZE (Django's default, 2.5 MB); a multipart
# upload (attachments, 10 MB each) at most PME_MAX_UPLOAD_BYTES in all. Larger ones get 413.
PME_MAX_UPLOAD_BYTES = env_int("PME_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1024 * 1024)
# Uploaded attachments live outside the web root and are only ever served through an access check.
MEDIA_ROOT = Path(os.environ.get("PME_PRIVATE_FILES", VAR_DIR / "private"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PME <ne-pas-repondre@pme.example>")
# Absolute address of the site, for the links sent by e-mail (never taken from the request's Host header).
PME_SITE_URL = os.environ.get(
    "PME_SITE_URL", "http://127.0.0.1:8000" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}"
)
OTP_TOTP_ISSUER = "PME"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Decision targets of the Régie queue, in hours (the clock pauses while information is awaited).
PME_REVIEW_TARGET_URGENT_HOURS = env_int("PME_REVIEW_TARGET_URGENT_HOURS", 72, minimum=1)
PME_REVIEW_TARGET_STANDARD_HOURS = env_int("PME_REVIEW_TARGET_STANDARD_HOURS", 7 * 24, minimum=1)

# Content-Security-Policy: every asset is ours; no inline script, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Key for the NAM hashes of the audit trail: separate from SECRET_KEY so that rotating one keeps the other.
AUDIT_NAM_KEY = os.environ.get("PME_AUDIT_NAM_KEY", "") or SECRET_KEY
# Audit trail: years an event is kept (docs/audit.md), and the thresholds of the unusual-access signals.
AUDIT_RETENTION_YEARS = env_int("PME_AUDIT_RETENTION_YEARS", 12, minimum=2)
PME_REQUEST_RETENTION_YEARS = env_int("PME_REQUEST_RETENTION_YEARS", 10, minimum=1)
PME_DRAFT_RETENTION_DAYS = env_int("PME_DRAFT_RETENTION_DAYS", 365, minimum=1)
AUDIT_SIGNAL_DISTINCT_PERSONS = env_int("PME_AUDIT_SIGNAL_DISTINCT_PERSONS", 20, minimum=2)
AUDIT_SIGNAL_WINDOW_MINUTES = env_int("PME_AUDIT_SIGNAL_WINDOW_MINUTES", 60, minimum=1)
# Refused reads (unknown or not theirs) by one user within the window that make a signal.
AUDIT_SIGNAL_DENIALS = env_int("PME_AUDIT_SIGNAL_DENIALS", 10, minimum=2)
AUDIT_WORKDAY_START_HOUR = env_int("PME_AUDIT_WORKDAY_START_HOUR", 7)
AUDIT_WORKDAY_END_HOUR = env_int("PME_AUDIT_WORKDAY_END_HOUR", 19)
# The audit chain (docs/decisions/0005-audit-chain.md). Its HMAC key is never stored in the database; the
# development key serves DEBUG runs only, production refuses to start without one (pme/audit/checks.py).
AUDIT_CHAIN_KEY = os.environ.get("PME_AUDIT_CHAIN_KEY", "").strip() or (
    "dev-only-audit-chain-key-never-used-in-production-0123456789" if DEBUG else ""
)
# The chainer links committed events every INTERVAL seconds and appends the chain's head to the anchor
# file (append-only, outside the database) every ANCHOR_INTERVAL seconds.
AUDIT_CHAINER_INTERVAL_SECONDS = env_int("PME_AUDIT_CHAINER_INTERVAL_SECONDS", 2, minimum=1)
AUDIT_ANCHOR_INTERVAL_SECONDS = env_int("PME_AUDIT_ANCHOR_INTERVAL_SECONDS", 60, minimum=1)
AUDIT_ANCHOR_FILE = Path(os.environ.get("PME_AUDIT_ANCHOR_FILE", "") or VAR_DIR / "audit-anchor.log")
# A seq value missing below a committed event is recorded as a gap only after this long: longer than any
# transaction that records an event can live (the app role's statement_timeout and
# idle_in_transaction_session_timeout, 60 s each in the README's recipe, and gunicorn's 30 s timeout).
AUDIT_GAP_GRACE_SECONDS = env_int("PME_AUDIT_GAP_GRACE_SECONDS", 300, minimum=1)
# PostgreSQL: the application's role, granted INSERT and SELECT only on the audit tables after every
# migrate (pme/audit/dbroles.py); empty when one role does everything (development).
PME_DB_APP_ROLE = os.environ.get("PME_DB_APP_ROLE", "").strip()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal": {"()": "pme.core.logging.MaskPersonalInformation"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal"], "formatter": "plain"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "pme.portal.errors.csrf_failure"
