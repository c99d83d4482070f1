"""Pikoshi settings, read top to bottom.

Every value comes from the environment. The defaults need nothing installed:
SQLite, local-memory cache, media in ./media, email printed to the console.
Name a real service (DATABASE_URL, REDIS_URL, RESEND_API_KEY, ...) to use it.
"""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def env_bool(name: str, default: bool = False) -> bool:
    """Strict, like healthchecks' envbool: a typo such as `ture` stops start-up.

    Read loosely, SECURE_SSL_REDIRECT=ture would quietly switch the redirect off.
    """
    raw = os.environ.get(name, "")
    value = raw.strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is neither on nor off: use one of {', '.join(TRUE_WORDS)} "
        f"or {', '.join(FALSE_WORDS)} (any case), or leave it unset for the default."
    )


def env_secret(name: str) -> str:
    """NAME, or the contents of the file NAME_FILE names (Docker secrets, systemd credentials).

    A file keeps the secret out of the process environment, which `ps e`, /proc and crash
    reports can show. Setting both is refused: which one wins would be a guess.
    """
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if not path:
        return value
    if value:
        raise ImproperlyConfigured(
            f"{name} and {name}_FILE are both set; keep one (the file is the safer place)."
        )
    try:
        secret = Path(path).read_text().rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {reason}.") from None
    if not secret:
        raise ImproperlyConfigured(f"{name}_FILE={path} is empty; write the value into it.")
    return secret


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {value!r}).") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more (got {number}).")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_origins(name: str) -> list[str]:
    """Comma-separated origins, each exactly `scheme://host[:port]` (http or https).

    Strict like env_bool: `*`, `null`, a path, a wildcard or a typo stops start-up, since a
    value read loosely could open the API to every site or quietly match none.
    """
    origins = []
    for item in env_list(name):
        parts = urlsplit(item)
        try:
            port_ok = parts.port is None or parts.port > 0
        except ValueError:
            port_ok = False
        if not (
            parts.scheme in {"http", "https"}
            and parts.hostname
            and port_ok
            and "*" not in item
            and not (parts.path or parts.query or parts.fragment)
            and "@" not in parts.netloc
        ):
            raise ImproperlyConfigured(
                f"{name} names {item!r}, which is not an origin: write each one as "
                "scheme://host or scheme://host:port (http or https, no path, no trailing "
                "slash, no wildcard), separated by commas."
            )
        origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return origins


def database_from_url(url: str) -> dict:
    """Parse postgres://user:pass@host:port/name?option=value into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// (got {parts.scheme}://)."
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Persistent connections save a TCP + auth round trip per request;
        # health checks replace a connection the server has dropped.
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(parse_qsl(parts.query)),
    }


def secret_key_from_file(path: Path) -> str:
    """The instance's own key, made on first start so `make run` needs no setup.

    It is written to a private temporary file and linked into place, so nobody else on the
    machine can read it and two processes starting at once agree on one key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first; use theirs
        finally:
            os.unlink(draft)
    key = path.read_text().strip()
    if len(key) < 32:
        raise ImproperlyConfigured(
            f"SECRET_KEY_FILE {path} holds a key shorter than 32 characters. Delete the file "
            "to have a new key made (everyone is signed out), or write a long random value "
            "into it."
        )
    return key


# --- Core -----------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
# Production settings over plain HTTP on this machine only (`make run`): no HTTPS redirect,
# HSTS or Secure cookies, since nothing serves https://127.0.0.1 to send a browser to.
PIKOSHI_LOCAL_HTTP = env_bool("PIKOSHI_LOCAL_HTTP", False)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
DEV_SECRET_KEY = "pikoshi-development-key-not-for-production"  # noqa: S105
SECRET_KEY_FILE = env_str("SECRET_KEY_FILE")
SECRET_KEY = env_str("SECRET_KEY") or (
    secret_key_from_file(Path(SECRET_KEY_FILE)) if SECRET_KEY_FILE else DEV_SECRET_KEY
)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or PIKOSHI_LOCAL_HTTP else ""
)
SITE_ROOT = env_str("SITE_ROOT", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Pikoshi")

if not DEBUG:
    if SECRET_KEY in {"", DEV_SECRET_KEY} or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or is the development key. With DEBUG off, set SECRET_KEY "
            "to a long random value, e.g. the output of: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty. With DEBUG off, set ALLOWED_HOSTS to the host names "
            "Pikoshi answers on, e.g. ALLOWED_HOSTS=photos.example.org"
        )
if PIKOSHI_LOCAL_HTTP and set(ALLOWED_HOSTS) - LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "PIKOSHI_LOCAL_HTTP=1 serves without HTTPS, so only this machine may reach it, but "
        f"ALLOWED_HOSTS also names {', '.join(sorted(set(ALLOWED_HOSTS) - LOOPBACK_HOSTS))}. "
        "Use only 127.0.0.1, localhost or ::1, or serve over HTTPS without PIKOSHI_LOCAL_HTTP."
    )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Single-page apps served from other origins (django-cors-headers, pikoshi.middleware.Cors):
# none by default. Only these origins get CORS headers, credentials included, and only on
# /api/ and /_allauth/. They are CSRF-trusted too, so their unsafe requests still need the
# CSRF token but pass Django's origin check (docs/security.md).
PIKOSHI_CORS_ORIGINS = env_origins("PIKOSHI_CORS_ORIGINS")
CORS_ALLOWED_ORIGINS = PIKOSHI_CORS_ORIGINS
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/(api|_allauth)/"
CORS_ALLOW_HEADERS = (
    *("accept", "authorization", "content-type", "x-csrftoken", "x-requested-with"),
    "x-session-token",  # allauth's app client
)
CORS_EXPOSE_HEADERS = ("retry-after",)
CSRF_TRUSTED_ORIGINS += [o for o in PIKOSHI_CORS_ORIGINS if o not in CSRF_TRUSTED_ORIGINS]
# allauth's browser API answers a CSRF failure in its JSON envelope; pages keep Django's.
CSRF_FAILURE_VIEW = "pikoshi.views.csrf_failure"
# How many proxies stand in front (1 behind deploy/nginx.conf). Each appends the address it
# saw to X-Forwarded-For, so the client is the N-th entry from the right; anything to its
# left was written by the client and is ignored. pikoshi.clientip reads it; allauth and DRF
# get the same count so none of their own code paths trusts more than that.
PIKOSHI_TRUSTED_PROXIES = env_int("PIKOSHI_TRUSTED_PROXIES", 0, minimum=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.headless",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "anymail",
    "accounts",
    "gallery",
]

MIDDLEWARE = [
    "pikoshi.middleware.RequestLogMiddleware",
    # Every error under /_allauth/ in allauth's JSON envelope (404/405/500, bad JSON, 429).
    "accounts.middleware.HeadlessErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "pikoshi.middleware.NoIndexMiddleware",
    # Before anything that may answer on its own, so refusals carry CORS headers too.
    "pikoshi.middleware.CorsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # A lost database connection answers 503 + Retry-After instead of a 500.
    "pikoshi.middleware.ServiceUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # allauth's session tracking, at most one write a minute per session.
    "accounts.middleware.UserSessionsMiddleware",
    # Sets an SPA's renewed JWT cookies, or clears them on sign-out.
    "accounts.middleware.AuthCookiesMiddleware",
]

ROOT_URLCONF = "pikoshi.urls"
WSGI_APPLICATION = "pikoshi.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "pikoshi.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

DATABASE_URL = env_secret("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Several uploads at once must wait for the writer, not fail with "locked".
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

# --- Cache, sessions, rate limits ---------------------------------------------

REDIS_URL = env_secret("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis whose `add` fails open while Redis is down (see pikoshi/cache.py).
            "BACKEND": "pikoshi.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "pikoshi"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                # A Redis outage degrades (no cache, no rate limit) instead of failing pages.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the cache with the database behind it, so a Redis restart
# signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# --- Authentication -----------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
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
    {"NAME": "accounts.validators.CharacterClassValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks for a name, so nobody's email address has to stand in for one.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupNameForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Codes a person can type (allauth's short codes, e.g. "BCDF-GHJK") instead of a link
# carrying a 54-character key: the same code works on the pages and in an app
# (/_allauth/app/v1/auth/email/verify, .../password/reset). A code belongs to the browser
# or app session that asked for it, lives minutes and allows three tries; allauth then has
# no key links at all (docs/security.md).
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
# allauth's 3 minutes is less than a slow mail server takes; verification codes live 15.
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
# Password and address changes are mailed to the owner, so a hijacked session cannot hide them.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG or PIKOSHI_LOCAL_HTTP else "https"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    # Per address. A code lives in the session that asked for it, so allauth answers 429
    # when a new one may not be sent (a sign-in right after sign-up sends one): a short
    # pause between codes, and an hourly cap against filling someone's inbox.
    "confirm_email": "1/20s/key,10/h/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = PIKOSHI_TRUSTED_PROXIES
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False

# Two-factor: an authenticator app (TOTP) with recovery codes for a lost device, and passkeys.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = SITE_NAME
# WebAuthn demands https except on localhost (development, or `make run`).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or PIKOSHI_LOCAL_HTTP
# "Where am I signed in": last seen time and address per session.
USERSESSIONS_TRACK_ACTIVITY = True

GOOGLE_CLIENT_ID = env_str("GOOGLE_CLIENT_ID")
GOOGLE_CLIENT_SECRET = env_secret("GOOGLE_CLIENT_SECRET")
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "SCOPE": ["openid", "profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
        "OAUTH_PKCE_ENABLED": True,
        "EMAIL_AUTHENTICATION": True,
        "APPS": (
            [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_CLIENT_SECRET, "key": ""}]
            if GOOGLE_CLIENT_ID
            else []
        ),
    }
}

# --- Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Media has no MEDIA_URL on purpose: every photo is served by an access-checked view.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# A private S3-compatible bucket when one is named: no ACL on objects (nothing public-read),
# every URL presigned, short-lived and issued only after the media view's access check, and
# an existing object is never overwritten.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
# Lifetime of a presigned S3 URL handed out by the media view; at most 10 minutes.
PIKOSHI_S3_URL_MAX_AGE = min(env_int("PIKOSHI_S3_URL_MAX_AGE", 300), 600)
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_secret("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_secret("AWS_SECRET_ACCESS_KEY") or None,
            "location": env_str("AWS_LOCATION"),
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": PIKOSHI_S3_URL_MAX_AGE,
            "custom_domain": None,
            "file_overwrite": False,
        },
    }
# Redirect media requests to the storage's own (presigned) URLs instead of streaming them;
# on by default for S3.
PIKOSHI_MEDIA_REDIRECT = env_bool("PIKOSHI_MEDIA_REDIRECT", bool(AWS_STORAGE_BUCKET_NAME))

# --- Email ------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Pikoshi <no-reply@pikoshi.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
RESEND_API_KEY = env_secret("RESEND_API_KEY")
SMTP_HOST = env_str("SMTP_HOST")
MAILERS: dict[str, dict[str, Any]]
if RESEND_API_KEY:
    MAILERS = {"default": {"BACKEND": "anymail.backends.resend.EmailBackend"}}
    ANYMAIL = {"RESEND_API_KEY": RESEND_API_KEY}
elif SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": env_int("SMTP_PORT", 587),
                "username": env_str("SMTP_USER"),
                "password": env_secret("SMTP_PASSWORD"),
                "use_tls": env_bool("SMTP_STARTTLS", True),
                "timeout": 10,
            },
        }
    }
else:
    # On this machine (DEBUG, or `make run`) print emails readably, codes and links whole;
    # in production, Django's own console backend makes `check --deploy` report that no
    # real email service is configured.
    MAILERS = {
        "default": {
            "BACKEND": "pikoshi.mail.ConsoleEmailBackend"
            if DEBUG or PIKOSHI_LOCAL_HTTP
            else "django.core.mail.backends.console.EmailBackend"
        }
    }

# --- REST API ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt access token from `Authorization: Bearer` or the HttpOnly cookie.
        "accounts.api.authentication.JWTBearerOrCookieAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "pikoshi.api.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "upload": env_str("THROTTLE_UPLOAD", "120/min"),
        # Parts of resumable uploads: a 2 GB video in 5 MB parts is 400 of them.
        "upload_part": env_str("THROTTLE_UPLOAD_PART", "600/min"),
        "auth": env_str("THROTTLE_AUTH", "30/min"),
        "download": env_str("THROTTLE_DOWNLOAD", "30/min"),
    },
    "EXCEPTION_HANDLER": "pikoshi.api.exception_handler",
    "NUM_PROXIES": PIKOSHI_TRUSTED_PROXIES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 5)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "USER_ID_FIELD": "uuid",
    "USER_ID_CLAIM": "sub",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": SECRET_KEY,
    # Tokens carry a digest of the password hash: a password change or reset ends every
    # token pair handed out before it (a lost phone stops working once the password changes).
    "CHECK_REVOKE_TOKEN": True,
    # Sign-out ends an access token at once, not at its expiry (accounts/api/tokens.py).
    "AUTH_TOKEN_CLASSES": ("accounts.api.tokens.RevocableAccessToken",),
}
JWT_COOKIE_ACCESS = "pikoshi_access"
JWT_COOKIE_REFRESH = "pikoshi_refresh"
# How long a refresh cookie just rotated by an API call still authenticates the SPA's calls
# that raced it (without new cookies), so parallel calls with one expired access cookie
# are not 401s. 0 turns the grace off.
PIKOSHI_REFRESH_REUSE_SECONDS = env_int("PIKOSHI_REFRESH_REUSE_SECONDS", 30, minimum=0)

HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_ONLY = False
# The account flows' own OpenAPI document (/_allauth/openapi.json), for generating app
# clients beside /api/schema/; its HTML viewer loads from a CDN, so it stays off.
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_SPECIFICATION_TEMPLATE_NAME = None
# One token format: allauth's app flows hand out simplejwt pairs (accounts/api/tokens.py);
# its X-Session-Token only carries multi-step flows such as sign-up -> verify email.
HEADLESS_TOKEN_STRATEGY = "accounts.api.tokens.SimpleJWTTokenStrategy"  # noqa: S105
HEADLESS_ADAPTER = "accounts.api.headless.HeadlessAdapter"

SPECTACULAR_SETTINGS = {
    "TITLE": "Pikoshi API",
    "DESCRIPTION": (
        "Photo albums, private by default: anything you may not see answers 404.\n\n"
        "**Signing in (apps).** Every account flow runs through allauth's headless app API "
        "under `/_allauth/app/v1/`: `auth/signup` then `auth/email/verify` with the code from "
        "the email, `auth/login`, `auth/password/request` then `auth/password/reset` with the "
        "emailed code and the new password, and Google "
        "via `auth/provider/token` with the Google ID token (their own OpenAPI document: "
        "`/_allauth/openapi.json`). Multi-step flows carry allauth's "
        "`X-Session-Token`; once fully signed in the answer's `meta` holds `access_token` and "
        "`refresh_token` — a simplejwt pair, the only credential this API takes. Send "
        "`Authorization: Bearer <access>`; renew with `POST /api/auth/token/refresh/`; "
        "`POST /api/auth/logout/` revokes the refresh token.\n\n"
        "**Single-page apps.** Post the refresh token to `POST /api/auth/cookie/` to move "
        "the pair into HttpOnly cookies, then call the API with those cookies and the "
        "`X-CSRFToken` header (from the `csrftoken` cookie) on unsafe methods. "
        "`/api/auth/context/` says who is signed in; any call renews an expired access cookie "
        "from the refresh cookie. `POST /api/auth/logout/` ends the tokens, the session and "
        "the cookies.\n\n"
        '**Errors** are always `{"detail": "...", "code": "..."}` (validation errors '
        "add per-field `errors`). Media URLs in answers are absolute, signed and expire."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # 3.1: a nullable object is `oneOf: [$ref, {type: null}]`, which strict validators
    # (and generated clients) read as meant; 3.0.3's `nullable` beside `allOf` they reject.
    "OAS_VERSION": "3.1.0",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": ["processing", "ready", "failed"],
        "UploadStatusEnum": ["receiving", "done", "refused"],
        "PhotoKindEnum": ["photo", "video"],
        "ReactionKindEnum": ["heart", "laugh", "wow", "sad", "clap"],
        "ActivityKindEnum": ["added", "comment"],
        "NotificationKindEnum": ["accepted", "shared", "photos", "comment", "reply"],
        "ChannelEnum": ["email", "app", "off"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pikoshi.api_links.add_links",
        "gallery.api.uploads.add_tus_operations",
    ],
}

# --- Uploads ------------------------------------------------------------------------------

PIKOSHI_MAX_UPLOAD_BYTES = env_int("PIKOSHI_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
PIKOSHI_MAX_IMAGE_PIXELS = env_int("PIKOSHI_MAX_IMAGE_PIXELS", 100_000_000)
# Videos (docs/video.md): their own size and length limits, and how long one conversion
# to the web-playable rendition may take before the video is marked failed.
PIKOSHI_MAX_VIDEO_BYTES = env_int("PIKOSHI_MAX_VIDEO_BYTES", 2 * 1024 * 1024 * 1024)
PIKOSHI_MAX_VIDEO_SECONDS = env_int("PIKOSHI_MAX_VIDEO_SECONDS", 30 * 60)
PIKOSHI_VIDEO_TIMEOUT = env_int("PIKOSHI_VIDEO_TIMEOUT", 2 * 60 * 60)
PIKOSHI_TRASH_DAYS = env_int("PIKOSHI_TRASH_DAYS", 30)
PIKOSHI_MEDIA_URL_MAX_AGE = env_int("PIKOSHI_MEDIA_URL_MAX_AGE", 600)
PIKOSHI_X_ACCEL_REDIRECT = env_str("PIKOSHI_X_ACCEL_REDIRECT")  # e.g. "/protected-media/"
# Storage per person when an admin has set none; 0 means unlimited.
PIKOSHI_DEFAULT_QUOTA_BYTES = env_int("PIKOSHI_DEFAULT_QUOTA_BYTES", 0)
# "Download everything" links work this many days; a deleted account waits this long.
PIKOSHI_EXPORT_DAYS = env_int("PIKOSHI_EXPORT_DAYS", 7)
PIKOSHI_DELETION_GRACE_DAYS = env_int("PIKOSHI_DELETION_GRACE_DAYS", 7)
# Uploads above this spill to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Background work ----------------------------------------------------------------------------

# Runs tasks inline by default; name a worker backend (e.g. django-tasks-rq) to move them off
# the request. TASKS_BACKEND=rq is short for RQ workers on REDIS_URL (`manage.py rqworker
# --with-scheduler --job-class django_tasks_rq.Job default`).
TASKS_BACKEND = env_str("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
if TASKS_BACKEND == "rq":
    TASKS_BACKEND = "django_tasks_rq.RQBackend"
TASKS: dict[str, dict[str, Any]] = {"default": {"BACKEND": TASKS_BACKEND}}
if TASKS_BACKEND == "django_tasks_rq.RQBackend":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL: RQ keeps its queue there.")
    INSTALLED_APPS.append("django_rq")
    TASKS["default"]["QUEUES"] = ["default"]
if TASKS_BACKEND != "django.tasks.backends.immediate.ImmediateBackend":
    # With a queue, pages hand email to the workers; they send through the real provider.
    MAILERS = {
        "default": {"BACKEND": "pikoshi.mail.QueuedEmailBackend"},
        "deliver": MAILERS["default"],
    }
# Resumable uploads (tus, docs/uploads.md): where their parts collect until complete (a
# local folder every web process shares; not the media storage: S3 cannot append) and
# how long an unfinished one waits for the rest.
PIKOSHI_UPLOAD_DIR = Path(env_str("PIKOSHI_UPLOAD_DIR", str(BASE_DIR / "uploads")))
PIKOSHI_UPLOAD_HOURS = env_int("PIKOSHI_UPLOAD_HOURS", 24)
# The upload page sends files from this size on in parts of PIKOSHI_UPLOAD_PART_BYTES.
PIKOSHI_RESUMABLE_UPLOAD_BYTES = env_int("PIKOSHI_RESUMABLE_UPLOAD_BYTES", 8 * 1024 * 1024)
PIKOSHI_UPLOAD_PART_BYTES = env_int("PIKOSHI_UPLOAD_PART_BYTES", 4 * 1024 * 1024)
# How often a failing background job is tried before its photo is marked failed.
PIKOSHI_TASK_ATTEMPTS = env_int("PIKOSHI_TASK_ATTEMPTS", 3)
# The wait before the first retry; each next one waits four times longer (at most an hour).
# RQ runs a delayed retry only on workers started with --with-scheduler.
PIKOSHI_TASK_RETRY_SECONDS = env_int("PIKOSHI_TASK_RETRY_SECONDS", 30)
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL or "redis://127.0.0.1:6379/0",
        # Renders of very large images finish well inside this; a hung job is then retried.
        "DEFAULT_TIMEOUT": env_int("RQ_JOB_TIMEOUT", 300),
    }
}

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# e.g. ".example.org", so an SPA on a sibling subdomain can read the token it must send.
CSRF_COOKIE_DOMAIN = env_str("CSRF_COOKIE_DOMAIN") or None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if GOOGLE_CLIENT_ID:
    # Browsers apply form-action to the redirect after a POST: "Continue with Google" posts
    # to allauth, which redirects to Google's consent page.
    SECURE_CSP["form-action"].append("https://accounts.google.com")
if AWS_STORAGE_BUCKET_NAME:
    # Images and videos are redirected to presigned bucket URLs; img-src and media-src
    # apply to the redirect target.
    _endpoint = urlsplit(env_str("AWS_S3_ENDPOINT_URL"))
    _bucket_origin = (
        env_str("PIKOSHI_MEDIA_ORIGIN")
        or (f"{_endpoint.scheme}://{_endpoint.netloc}" if _endpoint.netloc else "")
        or "https://*.amazonaws.com"
    )
    SECURE_CSP["img-src"].append(_bucket_origin)
    SECURE_CSP["media-src"].append(_bucket_origin)
if not DEBUG and not PIKOSHI_LOCAL_HTTP:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
else:
    # DEBUG, or `make run` over plain HTTP on this machine: there is no HTTPS to redirect to
    # or to keep cookies on.
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SECURE_SSL_REDIRECT = False
    SECURE_HSTS_SECONDS = 0

# --- Logging ---------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django_redis": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # 404s are expected (denied = absent) and their paths can hold share-link tokens.
        "django.request": {"level": "ERROR"},
        "pikoshi.requests": {
            "handlers": ["requests"],
            "level": "INFO" if env_bool("REQUEST_LOG", True) else "WARNING",
            "propagate": False,
        },
    },
}
