"""Test settings: the real settings plus what makes tests fast and isolated.

With PIKOSHI_REQUIRE_SERVICES=1 (CI), refuse to fall back to SQLite or local
memory: a green run must have talked to PostgreSQL and Redis.
"""

import os
import tempfile

os.environ.setdefault("DEBUG", "1")

from pikoshi.settings import *  # noqa: E402

if env_bool("PIKOSHI_REQUIRE_SERVICES"):
    named = {"DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL}  # either may be a *_FILE
    missing = [name for name, value in named.items() if not value]
    if missing:
        raise ImproperlyConfigured(
            f"PIKOSHI_REQUIRE_SERVICES=1 but {', '.join(missing)} not set: "
            "the tests would silently run on the embedded defaults."
        )

# Argon2 costs ~1 s per hash here; tests hash hundreds of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pikoshi-test-media-"))
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if REDIS_URL:
    # Each run gets its own key space so parallel runs never see each other's limits.
    CACHES["default"]["KEY_PREFIX"] = f"pikoshi-test-{os.getpid()}"
    CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] = False
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SITE_ROOT = "http://testserver"
# Serve static files from the source folders: tests must not depend on collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not SQLite's shared in-memory database: there a second connection (a test's
    # racing thread) gets "table is locked" at once, where a real SQLite file waits its turn.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp()) / "test.sqlite3")}
