"""Glabella settings, read from the environment (see .env.example).

GLABELLA_ENV=production turns on the production checks: DEBUG must be off and
SECRET_KEY and ALLOWED_HOSTS must be set, or the process refuses to start.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_networks, env_str, local_secret_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GLABELLA_VAR_DIR", "var")).resolve()
ENVIRONMENT = env_str("GLABELLA_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"GLABELLA_ENV must be development or production, not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
elif not SECRET_KEY:
    SECRET_KEY = local_secret_key(VAR_DIR)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "ninja",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "glabella.core",
    "glabella.accounts",
    "glabella.audit",
    "glabella.assistant",
    "glabella.patients",
    "glabella.scheduling",
    "glabella.treatments",
    "glabella.messaging",
    "glabella.booking",
    "glabella.catalogue",
    "glabella.dashboard",
    "glabella.demo",
]

MIDDLEWARE = [
    # Outermost, so that every answer (refusals and problem details too) carries the policy.
    "csp.middleware.CSPMiddleware",
    "glabella.core.middleware.TrustedProxyMiddleware",
    "glabella.core.middleware.ApiProblemMiddleware",
    "glabella.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "glabella.core.middleware.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "glabella.core.session_refresh.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "glabella.accounts.time_zones.ClinicTimeZoneMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "glabella.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "glabella.audit.context.AuditContextMiddleware",
]

# GLABELLA_BENCH_FLOORS=1 (`make bench` only) adds the benchmark's floor pages; see bench_floors.py.
BENCH_FLOORS = env_bool("GLABELLA_BENCH_FLOORS", default=False)
ROOT_URLCONF = "glabella.config.bench_urls" if BENCH_FLOORS else "glabella.config.urls"
WSGI_APPLICATION = "glabella.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "glabella.accounts.context_processors.staff_capabilities",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'glabella.sqlite3'}"),
        # Persistent connections in production: a new PostgreSQL connection per request
        # costs more than most staff pages' queries. Checked before reuse after an error.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600 if PRODUCTION else 0),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", default=True),
    )
}
# A read replica (PostgreSQL streaming replication) for reports and exports: only code that
# asks for `core.db_router.replica_alias()` reads there; writes and migrations stay on default.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read their own database
DATABASE_READ_REPLICA = "replica" if DATABASE_REPLICA_URL else ""
DATABASE_ROUTERS = ["glabella.core.db_router.ReplicaRouter"]
# Production: `glabella migrate` and `glabella audit_role` connect as the tables' owner
# through MIGRATION_DATABASE_URL; the application connects through DATABASE_URL as a role
# that may only add to the audit trail (README "Security hardening").
MIGRATION_DATABASE = (
    dj_database_url.parse(env_str("MIGRATION_DATABASE_URL"))
    if env_str("MIGRATION_DATABASE_URL")
    else None
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# WhiteNoise serves the collected files from the application server, compressed and, in
# production, under content-hashed names cached for a year (`glabella collectstatic` first).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Outside production the files are served straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one

# A shared cache (Redis) when REDIS_URL is set: throttles, rate limits and the assistant's
# content revisions then hold across every server process. Without it, each process has its own.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Several sites (or a benchmark's throwaway database) may share one Redis database.
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", ""),
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Whether every server process sees the same cache: only then may a process trust a cached
# clinic or content revision instead of asking the database (assistant/cached_state.py).
GLABELLA_SHARED_CACHE = bool(REDIS_URL)

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: our own scripts, styles and
# connections only, nothing inline; no page may be framed except the patient chat and the
# booking pages, which each clinic lets its own sites frame (core/csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],  # the face chart is inline SVG: no data: images
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
# The idle limit slides with use, saved at most once a minute (core/session_refresh.py)
# rather than written on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
# With Redis, sessions are read from the cache and written to both (they survive a flush).
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    # Off unless the clinic says every subdomain of its domain is HTTPS only (and, for the
    # preload list, that it will submit the domain): `check --deploy` warns until then.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)

# Reverse proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are
# believed (core/middleware.py TrustedProxyMiddleware); from anyone else both are dropped.
GLABELLA_TRUSTED_PROXIES = env_networks("GLABELLA_TRUSTED_PROXIES")
if GLABELLA_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One JSON object per line in production (LOG_FORMAT=json), each with the request id.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "glabella.core.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (accounts/throttle.py): failures allowed before a wait, per username on
# one address or one known device, per address (a clinic's staff may share one) and per
# username from anywhere; then waits that double from the first delay up to the longest.
SIGN_IN_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
SIGN_IN_ADDRESS_LIMIT = env_int("SIGN_IN_ADDRESS_LIMIT", 50)
SIGN_IN_USERNAME_LIMIT = env_int("SIGN_IN_USERNAME_LIMIT", 100)
SIGN_IN_FIRST_DELAY_SECONDS = env_int("SIGN_IN_FIRST_DELAY_SECONDS", 30)
SIGN_IN_MAX_DELAY_SECONDS = env_int("SIGN_IN_MAX_DELAY_SECONDS", 15 * 60)
SIGN_IN_FAILURE_WINDOW_SECONDS = env_int("SIGN_IN_FAILURE_WINDOW_SECONDS", 24 * 60 * 60)

# Staff pages (under /staff/) need a verified authenticator-app code once per session; see
# glabella/accounts/two_factor.py. On in production; off by default in development (demo).
GLABELLA_REQUIRE_TWO_FACTOR = env_bool("GLABELLA_REQUIRE_TWO_FACTOR", default=PRODUCTION)
OTP_TOTP_ISSUER = "Glabella"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:today"
LOGOUT_REDIRECT_URL = "home"
GLABELLA_DEFAULT_CLINIC = env_str("GLABELLA_DEFAULT_CLINIC", "")
# Questions one address may ask the public assistant per minute (0 turns the limit off).
# The count lives in Django's cache: per process by default; configure a shared cache
# (e.g. Redis) when running several processes.
ASSISTANT_QUESTIONS_PER_MINUTE = env_int("ASSISTANT_QUESTIONS_PER_MINUTE", 20)
# Booking forms one address may send to the public booking pages per hour (0: no limit).
BOOKING_SUBMITS_PER_HOUR = env_int("BOOKING_SUBMITS_PER_HOUR", 20)

# --- messages to patients (glabella/messaging; README "Messages and the worker") ---------
# Background work goes through Django's task interface, queued in the database and run by
# `glabella worker`; the tests run tasks at once (settings_test).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Email: printed to the console unless an SMTP server is configured (or another backend).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Glabella <noreply@localhost>")
# Text messages: "console" prints them; "twilio" sends through each clinic's Twilio account
# (connected with `glabella sms_provider`), or the one below when a clinic has none.
SMS_BACKEND = env_str("SMS_BACKEND", "console")
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER")
TWILIO_API_BASE = env_str("TWILIO_API_BASE", "https://api.twilio.com")
# Numbers written without a country code are read as numbers of this region (ISO code).
PHONE_DEFAULT_REGION = env_str("PHONE_DEFAULT_REGION", "US")
# The address patients reach this site on, for links in messages and webhook signatures.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The shared secret an inbound-email relay sends in the X-Glabella-Secret header (empty: off).
MESSAGING_INBOUND_EMAIL_SECRET = env_str("MESSAGING_INBOUND_EMAIL_SECRET")
# How often `glabella worker` runs the message scheduler, in seconds.
MESSAGING_SCHEDULER_SECONDS = env_int("MESSAGING_SCHEDULER_SECONDS", 60)
