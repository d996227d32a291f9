"""Settings for the LAC water partner portal, read from the environment.

Every variable is documented in README.md ("Configuration"). Defaults make a
local demo work out of the box (SQLite, console e-mail, tasks run at once);
``PORTAL_ENV=production`` switches the defaults to safe ones and refuses to
start without a real secret key.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from portal.core.config import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_rate,
    env_secret_key,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

PORTAL_ENV = env_choice(
    "PORTAL_ENV",
    "development",
    {"development": "development", "production": "production", "test": "test"},
)
PRODUCTION = PORTAL_ENV == "production"

SECRET_KEY = env_secret_key(
    "SECRET_KEY",
    production=PRODUCTION,
    dev_default="dev-only-not-secret-lac-water-portal-local-demo-key-0123456789",
)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "portal",
    "partners",
    "referrals",
    "training",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "guardian",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    # Form widgets render with the project's templates (FORM_RENDERER below), so the
    # portal's faster select and choice lists replace Django's; the rest come from here.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: an API body over DATA_UPLOAD_MAX_MEMORY_SIZE gets 413.
    "portal.core.middleware.ApiBodySizeMiddleware",
    # API writes: one transaction with their answer; Idempotency-Key replays a retry.
    "portal.core.idempotency.ApiWriteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.core.security.SessionTimeoutMiddleware",
    "portal.core.security.RequestPathMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.core.middleware.LanguageMiddleware",
    "partners.middleware.PrincipalMiddleware",
    "portal.core.security.MfaEnforcementMiddleware",
    "portal.core.security.NoStoreMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.core.middleware.ApiTokenLogMiddleware",
]

ROOT_URLCONF = "portal.shell.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.shell.context_processors.navigation",
                "django.template.context_processors.csp",
            ],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            # Misses instead of errors while Redis is away (portal/core/cache.py).
            "BACKEND": "portal.core.cache.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: use locmem:// or redis://host:port/db.")
# Sessions live in the database (Django's default engine): every web process shares
# them, a Redis restart logs nobody out, and "my sessions" can list and end them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS = {
    "default": {
        "BACKEND": env_choice(
            "TASK_BACKEND",
            # Production records every job in PostgreSQL with the change that causes it;
            # the demo and the tests run a job at once, when the change commits.
            "database" if PRODUCTION else "immediate",
            {
                "immediate": "django.tasks.backends.immediate.ImmediateBackend",
                "dummy": "django.tasks.backends.dummy.DummyBackend",
                # A row in the database, written in the caller's transaction and
                # worked by `manage.py run_worker` processes (portal/core/worker.py).
                "database": "django_tasks_db.DatabaseBackend",
            },
        ),
        "QUEUES": ["default"],
    }
}
INSTALLED_APPS += ["django_tasks_db"]
# Seconds without a heartbeat before a worker counts as gone and its running job is
# handed to another worker.
PORTAL_WORKER_LOST_AFTER = env_int("PORTAL_WORKER_LOST_AFTER", 30, minimum=5)
# The periodic jobs, queued by the task workers themselves (portal/core/schedule.py):
# ``every`` N seconds, or daily ``at`` a local time.
PORTAL_SCHEDULE = {
    "overdue_visits": {"task": "referrals.periodic.alert_overdue_visits", "every": 60},
    "webhooks": {"task": "portal.core.tasks.deliver_due_webhooks", "every": 60},
    "client_messages": {"task": "referrals.messaging.tasks.send_due_messages", "every": 60},
    "referral_deadlines": {"task": "referrals.periodic.process_referral_deadlines", "every": 3600},
    "session_reminders": {"task": "training.tasks.send_session_reminders", "every": 3600},
    "lac_escalations": {"task": "referrals.cases.tasks.escalate_lac_sessions", "at": "07:00"},
    "grants": {"task": "partners.tasks.rebuild_grants", "at": "02:00"},
    "retention": {"task": "referrals.periodic.apply_retention", "at": "02:30"},
    "sessions": {"task": "portal.core.tasks.clear_expired_sessions", "at": "03:00"},
    "finished_jobs": {"task": "portal.core.tasks.prune_finished_jobs", "at": "03:30"},
}
# Whether `runserver` also runs a worker with the scheduler in a thread (the demo).
PORTAL_RUNSERVER_WORKER = env_bool("PORTAL_RUNSERVER_WORKER", default=not PRODUCTION)

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: e-mail log-in, no public sign-up (see portal.core.adapters).
ACCOUNT_ADAPTER = "portal.core.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Shared office computers are common: sessions end when the browser closes.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LAC water] "
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LAC water portaal"
# Tracking activity would write to the database on every request.
USERSESSIONS_TRACK_ACTIVITY = False

PORTAL_INVITATION_DAYS = env_int("PORTAL_INVITATION_DAYS", 7, minimum=1)
# Two-step login for arrears teams, organisation admins and platform admins.
PORTAL_ENFORCE_MFA = env_bool("PORTAL_ENFORCE_MFA", default=True)
# Log out after this long without activity, and after this long in any case.
PORTAL_SESSION_IDLE_MINUTES = env_int("PORTAL_SESSION_IDLE_MINUTES", 30, minimum=1)
PORTAL_SESSION_MAX_HOURS = env_int("PORTAL_SESSION_MAX_HOURS", 10, minimum=1)
LOGIN_URL_PATH = "/accounts/login/"
# Minutes after the end of a home visit's window before the team is alerted.
PORTAL_VISIT_GRACE_MINUTES = env_int("PORTAL_VISIT_GRACE_MINUTES", 30, minimum=0)
# Absolute address of the portal, for links in e-mails sent by background tasks.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# The right-hand side of the portal's Message-IDs (one per e-mail, the same on a repeat).
PORTAL_MAIL_DOMAIN = env_str(
    "PORTAL_MAIL_DOMAIN", urlsplit(PORTAL_BASE_URL).hostname or "localhost"
)

# Messages to clients (referrals.messaging). SMS: "twilio" (see docs/deployment.md),
# "console" (the demo: written to the log), or empty (no text messages).
PORTAL_SMS_PROVIDER = env_str("PORTAL_SMS_PROVIDER", "" if PRODUCTION else "console")
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
# A Belgian number of the account, or a Messaging Service SID (MG…).
TWILIO_FROM = env_str("TWILIO_FROM", "")
TWILIO_API_BASE = env_str("TWILIO_API_BASE", "https://api.twilio.com")
if PORTAL_SMS_PROVIDER == "twilio" and not (
    TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_FROM
):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "PORTAL_SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM."
    )
PORTAL_SMS_TIMEOUT = env_int("PORTAL_SMS_TIMEOUT", 15, minimum=1)
# No text messages between these hours (local time): they wait for the morning.
PORTAL_SMS_QUIET_HOURS = (
    env_int("PORTAL_SMS_QUIET_FROM", 21, minimum=0),
    env_int("PORTAL_SMS_QUIET_UNTIL", 8, minimum=0),
)
# Messages to clients per OCMW per minute, at most.
PORTAL_MESSAGES_PER_MINUTE = env_int("PORTAL_MESSAGES_PER_MINUTE", 60, minimum=1)
# Client e-mails: the From address (the OCMW's name is shown with it; replies go to
# the OCMW's own address), and the local part of the bounce address
# (bounces+<message>@PORTAL_MAIL_DOMAIN; deliver it to `manage.py process_bounce`).
PORTAL_CLIENT_MAIL_FROM = env_str("PORTAL_CLIENT_MAIL_FROM", f"noreply@{PORTAL_MAIL_DOMAIN}")
PORTAL_BOUNCE_LOCAL_PART = env_str("PORTAL_BOUNCE_LOCAL_PART", "bounces")

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
GUARDIAN_AUTO_PREFETCH = False
ANONYMOUS_USER_NAME = None

# Requests per person made with API tokens (DRF rate: N/second, minute, hour or day).
PORTAL_API_TOKEN_RATE = env_rate("PORTAL_API_TOKEN_RATE", "600/hour")
# Webhooks: how often a delivery is tried, and how long the receiver may take.
PORTAL_WEBHOOK_MAX_ATTEMPTS = env_int("PORTAL_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
PORTAL_WEBHOOK_TIMEOUT = env_int("PORTAL_WEBHOOK_TIMEOUT", 5, minimum=1)
# Plain http:// to this machine, for trying webhooks out locally (and for the tests).
PORTAL_WEBHOOK_ALLOW_LOCALHOST = env_bool("PORTAL_WEBHOOK_ALLOW_LOCALHOST", default=not PRODUCTION)

REST_FRAMEWORK = {
    # Bearer first: its challenge turns a refused token into 401 (see portal.core.api_auth).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.core.api_auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.core.api_permissions.IsMember"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.core.api_auth.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
    "DEFAULT_SCHEMA_CLASS": "portal.core.api_schema.PortalAutoSchema",
    # No filtering or ordering unless a view whitelists it (see partners.filters).
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "portal.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LAC water partner portal API",
    "DESCRIPTION": (
        "The portal's REST API, version 1. Authenticate with the browser session or with "
        "a personal access token (`Authorization: Bearer …`, made under My account → API "
        'tokens). Errors are JSON: `{"detail": …, "code": …}` (plus `fields` for invalid '
        "input), in the language of `Accept-Language` (Dutch by default, English, French). "
        "Lists use cursor pagination. Detail responses carry an `ETag`; send it back in "
        "`If-Match` when you change the object, so concurrent edits are refused (412) "
        "instead of lost. Webhooks and signatures: see docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request components: required fields, minLength and writeOnly stay exact.
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ReferralReasonEnum": "referrals.models.Referral.Reason",
        "RefusalReasonEnum": "referrals.models.Referral.RefusalReason",
        "ReferralStatusEnum": "referrals.models.Referral.Status",
        "CaseStatusEnum": "referrals.models.Case.Status",
        "LacSessionStatusEnum": "referrals.models.LacSession.Status",
        "PaymentPlanStatusEnum": "referrals.models.PaymentPlan.Status",
        # With split request components, "SessionRequest" would lose its "Request".
        "SessionStatusEnum": "training.models.Session.Status",
        "SessionRequestStatusEnum": "training.models.SessionRequest.Status",
    },
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / env_str("STATIC_ROOT", "staticfiles")
MEDIA_ROOT = BASE_DIR / env_str("MEDIA_ROOT", "var/media")

MAILERS = {
    "default": {
        "BACKEND": env_choice(
            "EMAIL_BACKEND",
            "console",
            {
                "console": "django.core.mail.backends.console.EmailBackend",
                "smtp": "django.core.mail.backends.smtp.EmailBackend",
                "locmem": "django.core.mail.backends.locmem.EmailBackend",
            },
        ),
        "OPTIONS": {},
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "LAC water portaal <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # Bar lengths in reports are set per element with a CSS variable.
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The load balancer checks /health/ over plain HTTP on each web process.
    SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/live/$"]
    # Each web process serves the collected, content-hashed static files itself
    # (WhiteNoise), so the load balancer needs no copy of them and no shared volume.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # A line per task run is noise; failures are still logged.
    "loggers": {"django.tasks": {"level": "WARNING"}},
}
