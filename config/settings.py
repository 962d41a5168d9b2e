"""PME settings: one file, read from the environment. Every variable is listed in .env.example."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import database_config, env_bool, env_int, env_list, secret_key

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
if env_bool("PME_BEHIND_PROXY", default=False):
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
    "django.contrib.admin",
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
    "django.middleware.security.SecurityMiddleware",
    "pme.audit.middleware.RequestContextMiddleware",  # the caller's address for audit events
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pme.accounts.middleware.AccountGateMiddleware",  # session timeouts, temporary password, staff 2FA
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every worker process (throttling must hold across gunicorn workers): the database
# is the one store every deployment has; set CACHE_URL-like REDIS later if measured necessary.
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

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "pme.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "pme.accounts.passwords.ContextWordsValidator"},
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
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
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
