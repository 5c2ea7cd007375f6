"""The one settings module. Everything that differs between installations comes from the
environment; `.env.example` documents every variable.

Demo mode (MOTCUA_DEMO=1, what `make run` uses) is the only mode that may run without a
SECRET_KEY: it keeps a random key under var/ so sessions survive a restart.
"""

import secrets
import warnings
from pathlib import Path

from django.utils.csp import CSP

from motcua.config.env import (
    ConfigError,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_str,
)

# pyHanko imports cryptography's DSA classes to recognise DSA keys; cryptography 51 warns
# on that import. motcua never makes DSA keys (the demo PKI and signing use EC and RSA), and
# a warning printed by every command would break the one-line error contract of the CLI.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MOTCUA_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEMO = env_bool("MOTCUA_DEMO", default=False)
DEBUG = env_bool("DEBUG", default=False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ConfigError("SECRET_KEY is too short (use at least 32 random characters)")
        return key
    if not DEMO:
        raise ConfigError("SECRET_KEY is required outside demo mode (set MOTCUA_DEMO=1 for a demo)")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "demo-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEMO or DEBUG else "")
if not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS is required outside demo mode (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "motcua.units",
    "motcua.workdays",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.api",
    "motcua.signing",
    "motcua.identity",
    "motcua.notify",
    "motcua.ratings",
    "motcua.insights",
    "motcua.office",
    "motcua.portal",
    "django_htmx",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.config.urls"
WSGI_APPLICATION = "motcua.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env_database(
        "DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}", var_dir=VAR_DIR
    )
}
# The transitions' statements and the indicator hook's are prepared once per PostgreSQL
# connection; a transaction-pooling proxy (PgBouncer in transaction mode) does not keep
# them: set 0 there.
MOTCUA_PREPARED_STATEMENTS = env_bool("MOTCUA_PREPARED_STATEMENTS", default=True)
if not MOTCUA_PREPARED_STATEMENTS and "prepare_threshold" in DATABASES["default"]["OPTIONS"]:
    # Nothing prepared at all on such a connection (psycopg's own switch).
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The applicant-name index carries the scope columns for PostgreSQL's index-only scans
# (dossiers.Dossier.Meta); SQLite builds it without them, which is all W040 says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "units.User"
# Argon2 first (required); the others only verify hashes imported from older systems.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "/office/login/"

# Staff sessions expire after inactivity: a counter PC is shared.
SESSION_COOKIE_AGE = env_int("MOTCUA_SESSION_MINUTES", 30, minimum=5, maximum=24 * 60) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Behind TLS in production; demo mode serves plain HTTP on loopback.
SECURE_SSL = env_bool("MOTCUA_SECURE_SSL", default=not (DEMO or DEBUG))
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The cache holds rate-limit counters (login, status lookup), so it must be shared by every
# web process: the database by default (no extra service), Redis when MOTCUA_CACHE_URL is
# set (redis://host:6379/1; needs the `redis` extra).
_CACHE_URL = env_str("MOTCUA_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "motcua_cache",
        }
    )
}
if _CACHE_URL and not _CACHE_URL.startswith(("redis://", "rediss://")):
    raise ConfigError(f"MOTCUA_CACHE_URL={_CACHE_URL!r} must be a redis:// URL (or empty)")

# Citizen portal: the payment provider (dotted path; empty: the sandbox, in demo or debug
# only), status-lookup rate limit, and how long a rating link stays valid.
MOTCUA_PAYMENT_PROVIDER = env_str("MOTCUA_PAYMENT_PROVIDER", "")
MOTCUA_LOOKUP_ATTEMPTS = env_int("MOTCUA_LOOKUP_ATTEMPTS", 10, minimum=1, maximum=1000)
MOTCUA_LOOKUP_WINDOW_MINUTES = env_int("MOTCUA_LOOKUP_WINDOW_MINUTES", 15, minimum=1, maximum=1440)
MOTCUA_RATING_LINK_DAYS = env_int("MOTCUA_RATING_LINK_DAYS", 30, minimum=1, maximum=365)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# The address citizens reach the public pages at: printed on every slip's QR code.
MOTCUA_PUBLIC_URL = env_str("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000")
# Largest accepted upload (PDF/JPEG/PNG), in megabytes.
MOTCUA_MAX_UPLOAD_BYTES = env_int("MOTCUA_MAX_UPLOAD_MB", 10, minimum=1, maximum=200) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MOTCUA_MAX_UPLOAD_BYTES + 1024 * 1024
# Share of the time limit used after which a dossier or step shows as "at risk".
MOTCUA_AT_RISK_SHARE = env_int("MOTCUA_AT_RISK_PERCENT", 80, minimum=1, maximum=99) / 100

# PEM bundle of the CAs whose signatures count as "issued by this system" (the licensed CAs
# of the leaders' certificates). Empty: only the demo CA, and only in demo mode.
MOTCUA_SIGNING_TRUST_BUNDLE = env_str("MOTCUA_SIGNING_TRUST_BUNDLE", "")

# Login with electronic identification (OpenID Connect). No issuer: eID login is off and the
# login page says so. `python -m tests.identity.oidc_provider serve` prints values for a demo.
MOTCUA_OIDC_ISSUER = env_str("MOTCUA_OIDC_ISSUER", "")
MOTCUA_OIDC_CLIENT_ID = env_str("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_CLIENT_SECRET = env_str("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_SCOPES = env_str("MOTCUA_OIDC_SCOPES", "openid profile")
MOTCUA_OIDC_ID_NUMBER_CLAIM = env_str("MOTCUA_OIDC_ID_NUMBER_CLAIM", "id_number")
MOTCUA_OIDC_ACR_VALUES = env_str("MOTCUA_OIDC_ACR_VALUES", "")

# Notifications. E-mail through Django 6.1's MAILERS (which replaces the EMAIL_* settings;
# the variables keep their usual names). No EMAIL_HOST: messages are files under var/mail.
_EMAIL_HOST = env_str("EMAIL_HOST", "")
if env_bool("EMAIL_USE_TLS", default=True) and env_bool("EMAIL_USE_SSL", default=False):
    raise ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _EMAIL_HOST,
            "port": env_int("EMAIL_PORT", 587, minimum=1, maximum=65535),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            "use_ssl": env_bool("EMAIL_USE_SSL", default=False),
            "timeout": env_int("EMAIL_TIMEOUT", 20, minimum=1, maximum=300),
        },
    }
    if _EMAIL_HOST
    else {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "motcua <no-reply@localhost>")
MOTCUA_SMS_GATEWAY = env_str("MOTCUA_SMS_GATEWAY", "motcua.notify.sms.OutboxGateway")
MOTCUA_NOTIFY_MAX_ATTEMPTS = env_int("MOTCUA_NOTIFY_MAX_ATTEMPTS", 5, minimum=1, maximum=20)

# Background work (slips, notifications, deadline flags): django.tasks with the database
# backend, run by `motcua worker`; no broker needed.
TASKS = {
    "default": {
        "BACKEND": env_str("MOTCUA_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # fpdf2 subsets fonts through fontTools, which logs every table at INFO.
        "fontTools": {"level": "WARNING"},
    },
}
