"""Relais settings: one module, driven by environment variables.

Every variable is read through a typed helper that fails loudly on a bad value, so a typo in
production stops the start-up instead of silently falling back to a default.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789"

# The audit chain is keyed (HMAC-SHA256) with a secret kept out of the database, so that
# someone who can write to the database cannot rewrite the trail unnoticed (ADR 0016).
# Required with DEBUG=0 (system check relais.E001); changing it needs ``audit_rekey``.
AUDIT_DEV_HMAC_KEY = "insecure-development-audit-key-do-not-use-in-production"
AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY") or (AUDIT_DEV_HMAC_KEY if DEBUG else "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address of this deployment, for links in e-mails, letters and PDFs. Development
# falls back to the local server; production must set it (deploy checks ``relais.E001``–``E003``).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")

INSTALLED_APPS = [
    "relais.core.apps.RelaisAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_filters",
    "phonenumber_field",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Serves the API docs' swagger files itself (no CDN, see ADR 0015).
    "ninja",
    "relais.core",
    "relais.housing",
    "relais.allocation",
    "relais.interventions",
    "relais.worksites",
    "relais.continuity",
    "relais.supplies",
    "relais.proximity",
    "relais.messaging",
    "relais.payables",
    "relais.outreach",
    "relais.rent",
    "relais.federation",
    "relais.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "relais.core.middleware.CurrentOrganisationMiddleware",
    "relais.core.form_organisation.FormOrganisationMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "relais" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "relais.core.context_processors.relais",
                "relais.core.site.context.operator",
            ],
            "string_if_invalid": env_str("TEMPLATE_STRING_IF_INVALID", ""),
            # ``{% csrf_token %}`` also renders the current organisation (ADR 0021).
            "builtins": [
                "relais.core.templatetags.organisation_forms",
                "relais.core.templatetags.french",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # SQLite has one writer at a time: a request waits this long (seconds) for the write lock
    # instead of failing with "database is locked" (Python's default is 5 s). Imports write in
    # short batches (relais/housing/io/writing.py), so the wait is that of one batch.
    DATABASES["default"]["OPTIONS"]["timeout"] = env_int("SQLITE_BUSY_TIMEOUT", 30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": env_str("CACHE_LOCATION", "relais_cache"),
    }
}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Days between sending an offer and its assumed receipt when no receipt is recorded (the
# answer period of R441-10 CCH runs from the day after receipt: docs/decisions/0028).
RELAIS_OFFER_POSTAL_DELAY_DAYS = env_int("RELAIS_OFFER_POSTAL_DELAY_DAYS", 3)

# Periodic tasks queued by ``manage.py run_schedule``: (task, period in seconds).
# Rent run (relais.rent.run): leases per INSERT … SELECT batch, and the seconds without a
# heartbeat after which a running run is taken for interrupted and queued again.
RELAIS_RENT_RUN_BATCH = env_int("RELAIS_RENT_RUN_BATCH", 5000)
RELAIS_RENT_RUN_STALE_SECONDS = env_int("RELAIS_RENT_RUN_STALE_SECONDS", 300)
# Milliseconds the run waits between batches, leaving SQLite's single write lock to the web
# requests during a long run (0: no wait; PostgreSQL does not need it).
RELAIS_RENT_RUN_PAUSE_MS = env_int("RELAIS_RENT_RUN_PAUSE_MS", 0)

RELAIS_SCHEDULE = [
    ("relais.allocation.commissions.tasks.close_due_sessions", 60),
    ("relais.allocation.letters.tasks.lapse_offers", 3600),
    ("relais.allocation.scoring.services.recompute_all_scores", 86400),
    ("relais.allocation.applications.tasks.application_lifecycle_all", 86400),
    ("relais.core.tasks.anchor_audit_heads", env_int("AUDIT_ANCHOR_PERIOD", 3600)),
    ("relais.housing.tasks.recover_interrupted_imports", 300),
    ("relais.rent.tasks.recover_interrupted_runs", 300),
    ("relais.rent.tasks.collection_daily_all", 86400),
    ("relais.core.outbox.tasks.sweep_outbox", 60),
    ("relais.interventions.work_orders.tasks.remind_overdue_work_orders", 300),
    ("relais.interventions.on_call.tasks.on_call_sweep", 60),
    ("relais.worksites.tasks.purge_gate_log", 86400),
    ("relais.continuity.tasks.continuity_morning", 3600),
    ("relais.proximity.tasks.generate_occurrences", 3600),
    ("relais.proximity.tasks.mark_missed_rounds", 300),
    ("relais.payables.tasks.release_held_invoices", 3600),
    ("relais.outreach.tasks.build_call_lists", 3600),
    ("relais.outreach.tasks.purge_outreach_data", 86400),
    ("relais.federation.indicators.tasks.refresh_indicators", 3600),
    ("relais.federation.indicators.tasks.weekly_indicators", 86400),
]
# Days the gate self-checks of work sites are kept (health statements: the time to trace a
# case among the people on site, then deleted).
WORKSITES_GATE_LOG_DAYS = env_int("WORKSITES_GATE_LOG_DAYS", 30)
# Minutes the person on call has to acknowledge an alert before the next one is alerted.
ON_CALL_ACK_MINUTES = env_int("ON_CALL_ACK_MINUTES", 15)
# Days a person who left the outreach register stays on file (then deleted; ADR 0039).
OUTREACH_LEFT_RETENTION_DAYS = env_int("OUTREACH_LEFT_RETENTION_DAYS", 90)
# Signed copies of the audit chain heads, written outside the database (ADR 0016): a
# directory on other storage than the database's (absolute, or relative to the project),
# and optionally addresses that receive each copy by e-mail.
AUDIT_ANCHOR_DIR = BASE_DIR / env_str("AUDIT_ANCHOR_DIR", "var/audit-anchors")
AUDIT_ANCHOR_EMAILS = env_list("AUDIT_ANCHOR_EMAILS")

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: username or e-mail login, no sign-up (staff accounts are created by admins),
# throttled failed logins, TOTP + recovery codes.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "relais.core.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# Only failed attempts are limited (ADR 0020): allauth's default of 30 logins a minute per
# address would refuse a whole office behind one proxy at 9 a.m. The per-account rate comes
# first, so one person hammering their own account stops counting against the address; the key
# is the account itself (``AccountAdapter``), whether typed as username or e-mail.
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": env_str("LOGIN_RATE_LIMIT", "5/5m/key,20/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
}
# How many reverse proxies of ours stand in front of Relais: the client address is read that
# many entries from the right of X-Forwarded-For (0: the header is ignored, REMOTE_ADDR is used).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Relais"

# Longest life of a new API key, in days (0: a key may have no expiry date). See ADR 0020.
API_KEY_MAX_DAYS = env_int("API_KEY_MAX_DAYS", 0)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# Seconds an SMTP connection may hang; kept well below RELAIS_OUTBOX_STALE_SECONDS, so a
# worker is never presumed dead while it still waits on the server.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Relais <ne-pas-repondre@relais.invalid>")

# The outbox (relais.core.outbox, docs/outbox.md, ADR 0034). Text messages go through
# RELAIS_SMS_BACKEND (a dotted class path); the default writes them to RELAIS_SMS_FILE_PATH.
RELAIS_SMS_BACKEND = env_str("RELAIS_SMS_BACKEND", "relais.core.outbox.sms.FileBackend")
RELAIS_SMS_FILE_PATH = BASE_DIR / env_str("RELAIS_SMS_FILE_PATH", "var/sms")
# Attempts of a message before it is failed; the wait after attempt n is RETRY_SECONDS × 4^(n-1).
RELAIS_OUTBOX_MAX_ATTEMPTS = env_int("RELAIS_OUTBOX_MAX_ATTEMPTS", 5)
RELAIS_OUTBOX_RETRY_SECONDS = env_int("RELAIS_OUTBOX_RETRY_SECONDS", 60)
# A message "sending" for longer than this was claimed by a worker that died: it is re-queued.
RELAIS_OUTBOX_STALE_SECONDS = env_int("RELAIS_OUTBOX_STALE_SECONDS", 600)
# A queued message due for longer than this has lost its task: the sweep queues another.
RELAIS_OUTBOX_SWEEP_GRACE_SECONDS = env_int("RELAIS_OUTBOX_SWEEP_GRACE_SECONDS", 120)
# Broadcasts (outbox batches): messages per second each backend accepts, shared by every
# worker (the provider's contract), and the seconds one batch task runs before handing over.
RELAIS_OUTBOX_RATE_PER_SECOND = {
    "email": env_int("RELAIS_EMAIL_RATE_PER_SECOND", 20),
    "sms": env_int("RELAIS_SMS_RATE_PER_SECOND", 10),
}
RELAIS_OUTBOX_BATCH_SECONDS = env_int("RELAIS_OUTBOX_BATCH_SECONDS", 50)
# The Twilio SMS backend (relais.core.outbox.sms_twilio.TwilioBackend): account, sender, API.
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = env_str("TWILIO_FROM", "")
TWILIO_API_URL = env_str("TWILIO_API_URL", "https://api.twilio.com")
# E-mail bounces posted by the mail server (docs/outbox.md): the shared secret in the URL.
RELAIS_BOUNCE_WEBHOOK_TOKEN = env_str("RELAIS_BOUNCE_WEBHOOK_TOKEN", "")
# A broadcast to more recipients than this needs a second person's approval.
RELAIS_BROADCAST_APPROVAL_THRESHOLD = env_int("RELAIS_BROADCAST_APPROVAL_THRESHOLD", 500)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "relais" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / env_str("STATIC_ROOT", "var/static")
STATICFILES_DIRS = [BASE_DIR / "relais" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = BASE_DIR / env_str("MEDIA_ROOT", "var/media")

# Security: secure cookies and HSTS unless explicitly served over plain HTTP (demo, tests).
SECURE_HTTPS = env_bool("SECURE_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): everything from our own origin, no inline script or
# style anywhere (docs/decisions/0015-content-security-policy.md). ``data:`` images are
# Bootstrap's SVG icons (select arrows, menu button) embedded in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Error pages: French, styled, with a way back (relais.core.site.errors).
CSRF_FAILURE_VIEW = "relais.core.site.errors.csrf_failure"

# Who runs this deployment: shown in the footer, the legal notices, the personal-data notice
# and the accessibility statement (relais.core.site). Each deployment fills them in; the
# deploy check ``relais.W001`` lists those left empty.
RELAIS_OPERATOR = {
    "name": env_str("OPERATOR_NAME"),
    "address": env_str("OPERATOR_ADDRESS"),
    "registration": env_str("OPERATOR_REGISTRATION"),
    "phone": env_str("OPERATOR_PHONE"),
    "publication_director": env_str("OPERATOR_PUBLICATION_DIRECTOR"),
    "dpo_email": env_str("OPERATOR_DPO_EMAIL"),
    "support_email": env_str("OPERATOR_SUPPORT_EMAIL"),
    "support_phone": env_str("OPERATOR_SUPPORT_PHONE"),
    "host_name": env_str("OPERATOR_HOST_NAME"),
    "host_address": env_str("OPERATOR_HOST_ADDRESS"),
    "host_phone": env_str("OPERATOR_HOST_PHONE"),
}

PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"

FORMAT_MODULE_PATH = ["relais.formats"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Spreadsheet imports (relais/housing/io, docs/import-formats.md): a file over a limit is refused
# with a message before its rows are read, so a small crafted file cannot cost minutes of CPU or
# gigabytes of memory (docs/decisions/0022-import-readers.md).
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000)  # data rows, header excluded
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 60)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 3_000_000)  # rows × columns of the sheet's extent
# What an .xlsx may inflate to, all parts together (it is a zip of XML files).
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
# Files bigger than this (about 2,000 rows) are imported by a background task with a progress
# page; smaller ones in the request. 0: every import in the background.
IMPORT_BACKGROUND_BYTES = env_int("IMPORT_BACKGROUND_BYTES", 256 * 1024)
# A background import with no heartbeat for this long was interrupted: its writes are undone.
IMPORT_STALE_SECONDS = env_int("IMPORT_STALE_SECONDS", 600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
