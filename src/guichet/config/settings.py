"""Guichet settings: complete for the embedded demo, hardened by the environment.

Environment variables (all optional in the embedded mode):
  GUICHET_ENV        "development" (default) or "production": production refuses unsafe values
  GUICHET_DATA_DIR   folder for the SQLite file and uploaded files (default ./var)
  DATABASE_URL       e.g. postgres://user@127.0.0.1:5432/guichet (default SQLite in the data dir)
  DATABASE_CONN_MAX_AGE, DATABASE_PREPARED_STATEMENTS (PostgreSQL, default 1; 0 behind PgBouncer)
  SECRET_KEY, ALLOWED_HOSTS (comma separated), CSRF_TRUSTED_ORIGINS, DEBUG
  EMAIL_URL-like settings: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
  EMAIL_USE_TLS, DEFAULT_FROM_EMAIL
  GUICHET_BASE_URL   public address used in links sent to people (default http://127.0.0.1:8000)
  GUICHET_MAX_BODY_SIZE  largest request body in bytes, uploads included (default 128 MiB;
                     keep the reverse proxy's client_max_body_size at the same value)
  Production HTTPS (behind a proxy setting X-Forwarded-Proto): SECURE_SSL_REDIRECT (default 1),
  SECURE_HSTS_SECONDS (31536000), SECURE_HSTS_INCLUDE_SUBDOMAINS (1), SECURE_HSTS_PRELOAD (0;
  1 once every site of the domain is HTTPS, as `check --deploy` asks)
  GUICHET_CSP_EXTRA_IMG_SRC  origins added to the Content-Security-Policy's img-src
  GUICHET_MAP_TILES_URL, GUICHET_MAP_TILES_ATTRIBUTION  the maps' background tiles (see below)
  GUICHET_GEOCODER_URL, GUICHET_GEOCODER_TIMEOUT_MS  the address search (see below)
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
import xstatic.pkg.leaflet as xstatic_leaflet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from guichet.config.env import data_dir, env, env_bool, env_int, env_json, env_list

# Django's generic classes subscriptable at run time too (ModelAdmin[Request], ModelForm[…]),
# as django-stubs types them for mypy.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()

GUICHET_ENV = env("GUICHET_ENV", "development")
IS_PRODUCTION = GUICHET_ENV == "production"
INSECURE_DEV_KEY = "django-insecure-guichet-embedded-demo-key-not-for-production"  # noqa: S105

SECRET_KEY = env("SECRET_KEY", INSECURE_DEV_KEY)
DEBUG = env_bool("DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
GUICHET_BASE_URL = env("GUICHET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "django_htmx",
    "axes",  # agents' and admin login lock-outs (guichet.core.lockouts)
    "django_otp",  # agents' second factor (guichet.identity.totp)
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs page assets locally (no CDN)
    "csp",  # Content-Security-Policy (django-csp): its checks of the settings
    "django_tasks",
    "django_tasks_db",  # the default task backend's table (app label django_tasks_database)
    "guichet.core",
    "guichet.territory",
    "guichet.catalogue",
    "guichet.authorities",
    "guichet.people",
    "guichet.channels",
    "guichet.cases",
    "guichet.journeys",
    "guichet.api",
    "guichet.notifications",
    "guichet.satisfaction",
    "guichet.triage",
    "guichet.appointments",
    "guichet.participation",
    "guichet.contracts",
    "guichet.opendata",
    "guichet.portal",
    "guichet.backoffice",
    "guichet.identity",
    "guichet.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "guichet.core.headers.SecurityHeadersMiddleware",
    # The configured sign-in providers' origins in form-action (their buttons redirect there).
    "guichet.identity.middleware.ProviderFormActions",
    # Hostile paths, query strings and form bodies answered 400/413/414 before anything reads them.
    "guichet.core.middleware.RefuseHostileInput",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the French refusal page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "guichet.config.urls"
WSGI_APPLICATION = "guichet.config.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "identity:agent_login"  # password and second factor, or ProConnect
LOGIN_REDIRECT_URL = "backoffice:home"
# Password logins (agents, admin) are throttled by django-axes (guichet.core.lockouts): after
# GUICHET_LOGIN_FAILURE_LIMIT failures for one account or from one address, logins are refused
# for GUICHET_LOGIN_COOLOFF_MINUTES, even with the right password; counters in the shared cache.
AUTHENTICATION_BACKENDS = [
    "guichet.core.lockouts.LoginThrottle",
    "django.contrib.auth.backends.ModelBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guichet.core.context_processors.platform",
            ],
            # `pluralize` in French (0 and 1 singular) instead of Django's English rule.
            "builtins": ["guichet.core.templatetags.plurals"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'guichet.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo's web server and worker write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# PostgreSQL plans each statement once per connection and reuses the plan from its 5th run
# (server-side binding): a third of the database's CPU on a tracking page. Behind a pooler in
# transaction mode (PgBouncer), set DATABASE_PREPARED_STATEMENTS=0. ADR 0011.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=env_int("DATABASE_PREPARE_THRESHOLD", 5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Third-party front-end assets come from pip packages that ship them (never copied by hand).
STATICFILES_DIRS = [("vendor/leaflet", xstatic_leaflet.BASE_DIR)]
# Request bodies are bounded before they are read (guichet.core.middleware, 413 past them):
# - a body read whole into memory (JSON, URL-encoded form; the text fields of a multipart
#   post) up to DATA_UPLOAD_MAX_MEMORY_SIZE;
# - any body, a multipart upload included, up to GUICHET_MAX_BODY_SIZE: at least the largest
#   legitimate post, one file of the largest size a form field may declare (100 MB,
#   catalogue.formdef) with the text fields; the shipped forms ask for 50 MB at most (5 files
#   of 10 MB); a test checks that every shipped form fits;
# - uploaded files stay in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, then go to a temporary
#   file on disk.
# The reverse proxy refuses larger bodies first: nginx `client_max_body_size 128m;` (the
# same value as GUICHET_MAX_BODY_SIZE; 1m by default, which would refuse most photos).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
GUICHET_MAX_BODY_SIZE = env_int("GUICHET_MAX_BODY_SIZE", 128 * 1024 * 1024)

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    # Development: one .eml file per message in EMAIL_FILE_PATH, listed by `guichet mails`
    # (never printed on the server's output, where sign-in links would linger).
    else "guichet.core.mailbox.EmailBackend",
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Guichet <ne-pas-repondre@guichet.localhost>")

# Rate limits and other short-lived counters must be shared by every web worker: a file cache
# in the data dir by default, Redis when REDIS_URL is set (redis://127.0.0.1:6379/0).
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "guichet.core.cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    )
}

# With Redis, sessions live in the cache (no database write per page view).
SESSION_ENGINE = "guichet.core.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

# Multiplies every rate limit. Load tests from one address raise it (GUICHET_RATE_LIMIT_SCALE);
# never in production.
GUICHET_RATE_LIMIT_SCALE = env_int("GUICHET_RATE_LIMIT_SCALE", 1)
# Reverse proxies in front of the web server that append to X-Forwarded-For: the client's
# address of every rate limit and login lock-out is read from that header (0: REMOTE_ADDR).
GUICHET_TRUSTED_PROXIES = env_int("GUICHET_TRUSTED_PROXIES", 0)
# Login attempts: in Redis when there is one (axes refuses a file cache), else in the database.
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)
AXES_ENABLE_ADMIN = not REDIS_URL  # the attempts the database handler keeps, in the admin
AXES_DISABLE_ACCESS_LOG = True  # successful logins: no row each (lock-outs are in the journal)
AXES_FAILURE_LIMIT = env_int("GUICHET_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("GUICHET_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # per account, and per address
AXES_CLIENT_IP_CALLABLE = "guichet.core.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "guichet.core.lockouts.lockout_response"

# Sign-in with OpenID Connect (guichet/identity; README, "Identity"). A provider's button shows
# only when its three variables are set; its discovery document is read from the issuer.
#   GUICHET_FRANCECONNECT_ISSUER, _CLIENT_ID, _CLIENT_SECRET   residents
#   GUICHET_PROCONNECT_ISSUER, _CLIENT_ID, _CLIENT_SECRET      agents (existing accounts only)
#   GUICHET_AGENT_TOTP  1: an agent's password sign-in needs a TOTP code, enrolled at the first
#                       sign-in (default 1 in production; 0 elsewhere: only enrolled agents)
GUICHET_FRANCECONNECT = {
    "issuer": env("GUICHET_FRANCECONNECT_ISSUER"),
    "client_id": env("GUICHET_FRANCECONNECT_CLIENT_ID"),
    "client_secret": env("GUICHET_FRANCECONNECT_CLIENT_SECRET"),
}
GUICHET_PROCONNECT = {
    "issuer": env("GUICHET_PROCONNECT_ISSUER"),
    "client_id": env("GUICHET_PROCONNECT_CLIENT_ID"),
    "client_secret": env("GUICHET_PROCONNECT_CLIENT_SECRET"),
}
GUICHET_AGENT_TOTP = env_bool("GUICHET_AGENT_TOTP", default=IS_PRODUCTION)
# An agent's TOTP secret (its QR code) is never shown again, not even to an administrator.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_ISSUER = env("GUICHET_OPERATOR_NAME", "Guichet").strip() or "Guichet"  # in the app

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # tracking references never leave the site in a Referer
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_PRODUCTION:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (README, Production).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Consent to the browsers' preload list: on only when the operator commits to HTTPS for
    # the whole domain (`check --deploy` warns while it is off).
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy (django-csp, csp.middleware.CSPMiddleware): scripts, styles, images
# and fonts come from this site only (the DSFR, Leaflet and the API docs' assets are served
# locally); an inline <script> or <style> needs the request's nonce
# (`nonce="{{ request.csp_nonce }}"`), and style="" attributes and on…="" handlers never run.
#   GUICHET_CSP_EXTRA_IMG_SRC  space- or comma-separated origins added to img-src, e.g. a map
#                              tile server (https://tiles.example.fr); empty by default
GUICHET_CSP_EXTRA_IMG_SRC = env("GUICHET_CSP_EXTRA_IMG_SRC", "").replace(",", " ").split()
# The maps' background: a Leaflet tile URL ({z}/{x}/{y}) and its attribution, e.g. IGN's
# "Plan IGN" or OpenStreetMap (README, "Maps"). Empty (the default, and offline tests): the
# commune outlines on a plain background. The tile server's origin is added to img-src on
# every response (guichet.core.headers), with no need to list it above.
GUICHET_MAP_TILES_URL = env("GUICHET_MAP_TILES_URL", "").strip()
GUICHET_MAP_TILES_ATTRIBUTION = env("GUICHET_MAP_TILES_ATTRIBUTION", "").strip()
# Address search (README "Geocoding", ADR 0029): a Base Adresse Nationale-format API, e.g.
# https://api-adresse.data.gouv.fr, asked within GUICHET_GEOCODER_TIMEOUT_MS; empty (the default,
# and the tests): communes and postcodes only (guichet.territory.geocoding, plugin `offline`).
GUICHET_GEOCODER_URL = env("GUICHET_GEOCODER_URL", "").strip()
GUICHET_GEOCODER_TIMEOUT = env_int("GUICHET_GEOCODER_TIMEOUT_MS", 2000) / 1000
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *GUICHET_CSP_EXTRA_IMG_SRC],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Secrets in logged URLs (sign-in tokens, tracking keys…) are masked on every handler.
    "filters": {"mask_secrets": {"()": "guichet.core.accesslog.MaskSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own handlers (a console in DEBUG, mail to ADMINS) would print `django.request`
        # records ("Not Found: /…lien/<token>/") unmasked: its records go to ours instead.
        "django": {
            "handlers": ["console"],
            "level": env("LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        # The development server's request lines (`guichet serve --dev`), masked the same way.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


# Where the territory importer finds the data shipped with the product.
GUICHET_TERRITORY_DATA = PACKAGE_DIR / "territory" / "data"

# Open data (ADR 0036): published files live under GUICHET_OPENDATA_DIR (default
# DATA_DIR/opendata); every published location cell or commune holds at least
# GUICHET_OPENDATA_K requests (default 5).
GUICHET_OPENDATA_DIR = Path(env("GUICHET_OPENDATA_DIR", str(DATA_DIR / "opendata")))
GUICHET_OPENDATA_K = env_int("GUICHET_OPENDATA_K", 5)
# Optional push to a udata portal (ADR 0037): the API root (https://www.data.gouv.fr/api/1),
# a key (sent only as X-API-KEY) and the organisation's id there; no URL or key: no push.
GUICHET_UDATA_URL = env("GUICHET_UDATA_URL", "").strip()
GUICHET_UDATA_API_KEY = env("GUICHET_UDATA_API_KEY", "").strip()
GUICHET_UDATA_ORGANIZATION = env("GUICHET_UDATA_ORGANIZATION", "").strip()


def _refuse_unsafe_production_settings() -> None:
    problems = []
    if SECRET_KEY == INSECURE_DEV_KEY or len(SECRET_KEY) < 40:
        problems.append("SECRET_KEY doit être défini (au moins 40 caractères aléatoires)")
    if DEBUG:
        problems.append("DEBUG doit être désactivé")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS doit lister les noms de domaine servis")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env_bool(
        "GUICHET_ALLOW_SQLITE"
    ):
        problems.append("DATABASE_URL doit désigner PostgreSQL (ou GUICHET_ALLOW_SQLITE=1)")
    if problems:
        raise ImproperlyConfigured("Configuration de production refusée : " + " ; ".join(problems))


if IS_PRODUCTION:
    _refuse_unsafe_production_settings()


# Notifications (docs/notifications.md). The outbox is delivered by `guichet worker`.
#   GUICHET_NOTIFICATIONS_MAX_ATTEMPTS      attempts before a message is failed (default 5)
#   GUICHET_NOTIFICATIONS_RETRY_BASE_SECONDS first retry delay, doubled each time (default 30)
#   GUICHET_NOTIFICATIONS_LEASE_SECONDS     after this, a dead worker's message is taken back (300)
#   GUICHET_SMS_TRANSPORT                   generic_http (default) or ovh_like
#   GUICHET_SMS_URL, GUICHET_SMS_METHOD, GUICHET_SMS_BODY, GUICHET_SMS_CONTENT_TYPE,
#   GUICHET_SMS_AUTH_HEADER, GUICHET_SMS_ACCOUNT, GUICHET_SMS_API_KEY, GUICHET_SMS_SENDER
GUICHET_NOTIFICATIONS_MAX_ATTEMPTS = env_int("GUICHET_NOTIFICATIONS_MAX_ATTEMPTS", 5)
GUICHET_NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("GUICHET_NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
GUICHET_NOTIFICATIONS_LEASE_SECONDS = env_int("GUICHET_NOTIFICATIONS_LEASE_SECONDS", 300)
#   GUICHET_NOTIFICATIONS_BATCH             messages claimed at once by a worker (200)
#   GUICHET_NOTIFICATIONS_SMTP_SESSIONS     SMTP connections in parallel per worker process (4)
GUICHET_NOTIFICATIONS_BATCH = env_int("GUICHET_NOTIFICATIONS_BATCH", 200)
GUICHET_NOTIFICATIONS_SMTP_SESSIONS = env_int("GUICHET_NOTIFICATIONS_SMTP_SESSIONS", 4)

# Background tasks (Django's Tasks API, `django-tasks`; ADR 0007). `guichet worker` runs them.
#   GUICHET_TASKS_BACKEND   django_tasks_db.DatabaseBackend (default: the tasks live in the
#                           database, no other service) or django_tasks_rq.RQBackend (Redis at
#                           REDIS_URL, run `guichet rqworker --job-class django_tasks_rq.Job
#                           default`; needs `pip install "guichet[rq]"`)
#   GUICHET_WORKER_PERIODIC JSON {"dotted.path": seconds}: jobs `guichet worker` runs once per
#                           interval (default below; "{}" for none)
GUICHET_TASKS_BACKEND = env("GUICHET_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": GUICHET_TASKS_BACKEND, "QUEUES": ["default"]}}
if GUICHET_TASKS_BACKEND == "django_tasks_rq.RQBackend":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
GUICHET_WORKER_PERIODIC = env_json(
    "GUICHET_WORKER_PERIODIC",
    {
        "guichet.appointments.reminders.queue_due_reminders": 600,
        "guichet.journeys.store.refresh": 900,
        "guichet.journeys.topics.tasks.refresh_all": 86400,
        "guichet.contracts.briefings.tasks.send_due": 3600,
        "guichet.notifications.tasks.prune_task_results": 86400,
        "guichet.participation.actions.petitions.close_due": 600,
        "guichet.participation.opinion.tasks.refresh_stale": 60,
        "guichet.opendata.tasks.publish_all": 86400,
        "guichet.people.rights.retention.run_periodic": 86400,
        "guichet.people.rights.tasks.expire_exports": 3600,
        "guichet.triage.tasks.retrain_all": 86400,
    },
)
GUICHET_SMS_TRANSPORT = env("GUICHET_SMS_TRANSPORT", "generic_http")
GUICHET_SMS_SENDER = env("GUICHET_SMS_SENDER", "GUICHET")
GUICHET_SMS_OPTIONS = {
    "url": env("GUICHET_SMS_URL", "http://127.0.0.1:9090/sms"),
    "method": env("GUICHET_SMS_METHOD", "POST"),
    "body": env("GUICHET_SMS_BODY"),
    "content_type": env("GUICHET_SMS_CONTENT_TYPE", "application/json"),
    "auth_header": env("GUICHET_SMS_AUTH_HEADER"),
    "account": env("GUICHET_SMS_ACCOUNT"),
    "api_key": env("GUICHET_SMS_API_KEY"),
}

# Inbound e-mail (docs/inbound-mail.md), received by `guichet mail-inbound`.
#   GUICHET_INBOUND_MAIL_DOMAIN      domain of the reply addresses demande+<référence>@<domaine>
#                                    (empty: outgoing e-mails carry no Reply-To)
#   GUICHET_INBOUND_MAIL_MAX_BYTES   larger messages are refused at SMTP level (552), 25 MB
#   GUICHET_INBOUND_MAIL_DEFAULT_AUTHORITY  slug of the authority receiving mail sent to an
#                                    address that names none (empty: such mail is quarantined)
GUICHET_INBOUND_MAIL_DOMAIN = env("GUICHET_INBOUND_MAIL_DOMAIN", "").strip().lower()
GUICHET_INBOUND_MAIL_MAX_BYTES = env_int("GUICHET_INBOUND_MAIL_MAX_BYTES", 25 * 1024 * 1024)
GUICHET_INBOUND_MAIL_DEFAULT_AUTHORITY = env("GUICHET_INBOUND_MAIL_DEFAULT_AUTHORITY", "")
# Inbound SMS (docs/inbound-sms.md): the provider posts to /canaux/sms/entrant/ with
#   GUICHET_INBOUND_SMS_TOKEN              its bearer token (empty: the endpoint answers 404)
#   GUICHET_INBOUND_SMS_DEFAULT_AUTHORITY  slug of the authority receiving SMS sent to a number
#                                          that is no authority's contact number
GUICHET_INBOUND_SMS_TOKEN = env("GUICHET_INBOUND_SMS_TOKEN", "")
GUICHET_INBOUND_SMS_DEFAULT_AUTHORITY = env("GUICHET_INBOUND_SMS_DEFAULT_AUTHORITY", "")

# The platform's own look and its legal pages (guichet/core/theme.py; README, "Look and legal
# pages"). The DSFR's identity (bloc-marque « République Française », Marianne, the State's
# colours) is reserved to State services: it shows only when GUICHET_STATE_OPERATOR is true.
#   GUICHET_OPERATOR_NAME      the deploying body, shown in the header, footer and legal pages
#   GUICHET_OPERATOR_LOGO      its logo: a static file's path (guichet/…svg), /a/path or a URL
#                              (another origin must also be in GUICHET_CSP_EXTRA_IMG_SRC)
#   GUICHET_ACCENT_COLOUR      #rrggbb in place of the DSFR's bleu France (darkened if it does
#                              not reach 4.5:1 on white; `guichet check` warns)
#   GUICHET_STATE_OPERATOR     1 for a State entity (a préfecture): the bloc-marque is shown
#   GUICHET_OPERATOR_ADDRESS, GUICHET_OPERATOR_CONTACT_EMAIL, GUICHET_PUBLICATION_DIRECTOR,
#   GUICHET_HOST_NAME, GUICHET_HOST_ADDRESS, GUICHET_DPO_CONTACT  for the legal notice
#   GUICHET_ACCESSIBILITY_LEVEL  non (default, until an audit says otherwise), partiellement
#                              or totalement conforme; GUICHET_ACCESSIBILITY_AUDIT (date, body)
GUICHET_OPERATOR_NAME = env("GUICHET_OPERATOR_NAME", "Guichet").strip() or "Guichet"
GUICHET_OPERATOR_LOGO = env("GUICHET_OPERATOR_LOGO", "").strip()
GUICHET_ACCENT_COLOUR = env("GUICHET_ACCENT_COLOUR", "#2d4a66").strip()
GUICHET_STATE_OPERATOR = env_bool("GUICHET_STATE_OPERATOR", default=False)
GUICHET_OPERATOR_ADDRESS = env("GUICHET_OPERATOR_ADDRESS", "").strip()
GUICHET_OPERATOR_CONTACT_EMAIL = env("GUICHET_OPERATOR_CONTACT_EMAIL", "").strip()
GUICHET_PUBLICATION_DIRECTOR = env("GUICHET_PUBLICATION_DIRECTOR", "").strip()
GUICHET_HOST_NAME = env("GUICHET_HOST_NAME", "").strip()
GUICHET_HOST_ADDRESS = env("GUICHET_HOST_ADDRESS", "").strip()
GUICHET_DPO_CONTACT = env("GUICHET_DPO_CONTACT", "").strip()
GUICHET_ACCESSIBILITY_LEVEL = env("GUICHET_ACCESSIBILITY_LEVEL", "non").strip().lower()
GUICHET_ACCESSIBILITY_AUDIT = env("GUICHET_ACCESSIBILITY_AUDIT", "").strip()

# RGPD (people/rights/):
#   GUICHET_RETENTION_DAYS  how long after a request's closure the person's identifying data is
#                           kept, where the service sets no duration of its own (3 years)
#   GUICHET_EXPORT_DAYS     how long a person's data export can be downloaded (7 days)
GUICHET_RETENTION_DAYS = env_int("GUICHET_RETENTION_DAYS", 3 * 365)
GUICHET_EXPORT_DAYS = env_int("GUICHET_EXPORT_DAYS", 7)
