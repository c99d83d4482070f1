"""Settings come from the environment and refuse to run in production unsafely."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "k7Qz-3vR9pL2xW8mN4tY6uB1cE5hJ0aS_dF7gH2jK9lP3oI8uT"  # noqa: S105 - 50 chars
PRODUCTION_HOSTS = {"ALLOWED_HOSTS": "photos.example.org"}  # DEBUG off


def load_settings(env: dict, expression: str = "None") -> subprocess.CompletedProcess:
    """Import pikoshi.settings in a fresh interpreter with only `env` set, print `expression`."""
    code = f"import json; import pikoshi.settings as s; print(json.dumps({expression}))"
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", ""), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_custom_user_model_is_in_use():
    from accounts.models import User

    assert get_user_model() is User
    assert User.USERNAME_FIELD == "email"
    assert User._meta.get_field("uuid").unique
    assert User._meta.get_field("email").unique
    with pytest.raises(FieldDoesNotExist):
        User._meta.get_field("username")


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings({"ALLOWED_HOSTS": "photos.example.org"})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is missing or is the development key" in result.stderr


def test_production_refuses_the_development_secret_key():
    from pikoshi.settings import DEV_SECRET_KEY

    result = load_settings({"SECRET_KEY": DEV_SECRET_KEY, "ALLOWED_HOSTS": "photos.example.org"})

    assert result.returncode != 0
    assert "SECRET_KEY is missing or is the development key" in result.stderr


def test_production_refuses_empty_allowed_hosts():
    result = load_settings({"SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": ""})

    assert result.returncode != 0
    assert "ALLOWED_HOSTS is empty" in result.stderr


def test_production_starts_with_a_key_and_hosts():
    result = load_settings(
        {"SECRET_KEY": PRODUCTION_KEY, "ALLOWED_HOSTS": "photos.example.org"},
        "[s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL]",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [False, ["photos.example.org"], True, "https"]


def test_a_secret_key_file_is_made_with_a_random_key_on_first_start(tmp_path):
    first = load_settings(
        {"SECRET_KEY_FILE": str(tmp_path / "one" / "secret.key"), **PRODUCTION_HOSTS},
        "s.SECRET_KEY",
    )
    other = load_settings(
        {"SECRET_KEY_FILE": str(tmp_path / "two" / "secret.key"), **PRODUCTION_HOSTS},
        "s.SECRET_KEY",
    )

    assert first.returncode == 0, first.stderr
    key = json.loads(first.stdout)
    assert len(key) >= 50
    assert json.loads(other.stdout) != key
    assert (tmp_path / "one" / "secret.key").read_text().strip() == key
    assert stat.S_IMODE((tmp_path / "one" / "secret.key").stat().st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == ["secret.key"]


def test_a_secret_key_file_is_reused_on_later_starts(tmp_path):
    env = {"SECRET_KEY_FILE": str(tmp_path / "secret.key"), **PRODUCTION_HOSTS}

    first = load_settings(env, "s.SECRET_KEY")
    second = load_settings(env, "s.SECRET_KEY")

    assert first.returncode == 0, first.stderr
    assert json.loads(second.stdout) == json.loads(first.stdout)


def test_secret_key_from_the_environment_wins_over_the_key_file(tmp_path):
    result = load_settings(
        {
            "SECRET_KEY": PRODUCTION_KEY,
            "SECRET_KEY_FILE": str(tmp_path / "secret.key"),
            **PRODUCTION_HOSTS,
        },
        "s.SECRET_KEY",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == PRODUCTION_KEY
    assert not (tmp_path / "secret.key").exists()


def test_a_short_key_in_the_key_file_stops_start_up(tmp_path):
    (tmp_path / "secret.key").write_text("too-short\n")

    result = load_settings({"SECRET_KEY_FILE": str(tmp_path / "secret.key"), "DEBUG": "1"})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "holds a key shorter than 32 characters" in result.stderr


def test_local_http_refuses_a_host_other_than_this_machine():
    for hosts in ("photos.example.org", "127.0.0.1,192.168.1.20", "*"):
        result = load_settings(
            {
                "PIKOSHI_LOCAL_HTTP": "1",
                "SECRET_KEY": PRODUCTION_KEY,
                "ALLOWED_HOSTS": hosts,
            }
        )

        assert result.returncode != 0, hosts
        assert "ImproperlyConfigured" in result.stderr
        assert "PIKOSHI_LOCAL_HTTP=1 serves without HTTPS" in result.stderr


def test_local_http_serves_production_settings_over_plain_http_on_loopback():
    result = load_settings(
        {
            "PIKOSHI_LOCAL_HTTP": "1",
            "SECRET_KEY": PRODUCTION_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,::1,[::1]",
        },
        "[s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL,"
        " s.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN, s.MAILERS['default']['BACKEND'],"
        " s.STORAGES['staticfiles']['BACKEND']]",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        False,
        False,
        0,
        False,
        False,
        "http",
        True,
        "pikoshi.mail.ConsoleEmailBackend",  # verification links printed whole
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_local_http_defaults_to_this_machines_host_names():
    result = load_settings(
        {"PIKOSHI_LOCAL_HTTP": "1", "SECRET_KEY": PRODUCTION_KEY}, "s.ALLOWED_HOSTS"
    )

    assert json.loads(result.stdout) == ["127.0.0.1", "localhost"]


def test_google_sign_in_is_configured_only_by_its_environment_variables():
    expression = '[s.SOCIALACCOUNT_PROVIDERS["google"]["APPS"], s.SECURE_CSP["form-action"]]'
    without = load_settings({"DEBUG": "1"}, expression)
    with_google = load_settings(
        {
            "DEBUG": "1",
            "GOOGLE_CLIENT_ID": "id.apps.googleusercontent.com",
            "GOOGLE_CLIENT_SECRET": "s",
        },
        expression,
    )

    assert json.loads(without.stdout) == [[], ["'self'"]]
    apps, form_action = json.loads(with_google.stdout)
    assert apps == [{"client_id": "id.apps.googleusercontent.com", "secret": "s", "key": ""}]
    assert form_action == ["'self'", "https://accounts.google.com"]


def test_rate_limits_and_sessions_use_redis_when_it_is_named():
    expression = '[s.CACHES["default"]["BACKEND"], s.SESSION_ENGINE]'
    embedded = load_settings({"DEBUG": "1"}, expression)
    redis = load_settings({"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/1"}, expression)

    assert json.loads(embedded.stdout)[0] == "django.core.cache.backends.locmem.LocMemCache"
    assert json.loads(redis.stdout) == [
        "pikoshi.cache.RedisCache",  # django-redis, failing open while Redis is down
        "django.contrib.sessions.backends.cached_db",
    ]


def test_allauth_runs_mandatory_verification_without_enumeration():
    from django.conf import settings

    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert settings.ACCOUNT_PREVENT_ENUMERATION is True
    assert settings.ACCOUNT_LOGIN_METHODS == {"email"}
    assert set(settings.ACCOUNT_RATE_LIMITS) >= {
        "login",
        "login_failed",
        "signup",
        "reset_password",
    }


def test_the_proxy_count_feeds_allauth_and_the_api_throttles():
    expression = (
        "[s.PIKOSHI_TRUSTED_PROXIES, s.ALLAUTH_TRUSTED_PROXY_COUNT, "
        's.REST_FRAMEWORK["NUM_PROXIES"]]'
    )
    default = load_settings({"DEBUG": "1"}, expression)
    behind_nginx = load_settings({"DEBUG": "1", "PIKOSHI_TRUSTED_PROXIES": "1"}, expression)

    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout) == [0, 0, 0]
    assert json.loads(behind_nginx.stdout) == [1, 1, 1]


@pytest.mark.parametrize("value", ["yes", "1.5", "-1", "one"])
def test_a_proxy_count_that_is_not_a_whole_number_stops_start_up(value):
    result = load_settings({"DEBUG": "1", "PIKOSHI_TRUSTED_PROXIES": value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "PIKOSHI_TRUSTED_PROXIES" in result.stderr


REQUEST_LOG_LEVEL = 's.LOGGING["loggers"]["pikoshi.requests"]["level"]'


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("1", "INFO"),
        ("true", "INFO"),
        (" Yes ", "INFO"),
        ("ON", "INFO"),
        ("0", "WARNING"),
        ("False", "WARNING"),
        ("no", "WARNING"),
        (" off\n", "WARNING"),
        ("", "INFO"),  # empty keeps the default
    ],
)
def test_a_switch_accepts_the_usual_spellings_of_on_and_off(value, level):
    result = load_settings({"DEBUG": "1", "REQUEST_LOG": value}, REQUEST_LOG_LEVEL)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == level


@pytest.mark.parametrize("value", ["ture", "2", "enabled", "y", "of"])
def test_a_misspelt_switch_stops_start_up_instead_of_meaning_off(value):
    result = load_settings(
        {"SECRET_KEY": PRODUCTION_KEY, **PRODUCTION_HOSTS, "SECURE_SSL_REDIRECT": value}
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"SECURE_SSL_REDIRECT={value!r}" in result.stderr
    assert "1, true, yes, on" in result.stderr
    assert "0, false, no, off" in result.stderr


SECRETS_FROM_FILES = [
    # (variable, a value, what else it needs to be used, where the value lands)
    (
        "DATABASE_URL",
        "postgres://u:p@db.internal:5432/pikoshi",
        {},
        's.DATABASES["default"]["HOST"]',
    ),
    ("REDIS_URL", "redis://cache.internal:6379/0", {}, 's.CACHES["default"]["LOCATION"]'),
    ("RESEND_API_KEY", "re_from_a_file", {}, 's.ANYMAIL["RESEND_API_KEY"]'),
    (
        "SMTP_PASSWORD",
        "smtp from a file",
        {"SMTP_HOST": "smtp.example.org"},
        's.MAILERS["default"]["OPTIONS"]["password"]',
    ),
    (
        "AWS_SECRET_ACCESS_KEY",
        "aws-secret-from-a-file",
        {"AWS_STORAGE_BUCKET_NAME": "photos"},
        's.STORAGES["default"]["OPTIONS"]["secret_key"]',
    ),
    (
        "AWS_ACCESS_KEY_ID",
        "AKIAFROMAFILE",
        {"AWS_STORAGE_BUCKET_NAME": "photos"},
        's.STORAGES["default"]["OPTIONS"]["access_key"]',
    ),
    (
        "GOOGLE_CLIENT_SECRET",
        "google-from-a-file",
        {"GOOGLE_CLIENT_ID": "id.apps.googleusercontent.com"},
        's.SOCIALACCOUNT_PROVIDERS["google"]["APPS"][0]["secret"]',
    ),
]


@pytest.mark.parametrize(
    ("name", "value", "needs", "expression"),
    SECRETS_FROM_FILES,
    ids=[row[0] for row in SECRETS_FROM_FILES],
)
def test_a_secret_is_read_from_the_file_its_file_variable_names(
    tmp_path, name, value, needs, expression
):
    (tmp_path / "secret").write_text(value + "\n")  # as `echo ... >` and Docker secrets leave it

    result = load_settings(
        {"DEBUG": "1", **needs, f"{name}_FILE": str(tmp_path / "secret")}, expression
    )

    assert result.returncode == 0, result.stderr
    expected = "db.internal" if name == "DATABASE_URL" else value
    assert json.loads(result.stdout) == expected


def test_a_secret_set_both_directly_and_as_a_file_stops_start_up(tmp_path):
    (tmp_path / "secret").write_text("re_from_a_file\n")

    result = load_settings(
        {
            "DEBUG": "1",
            "RESEND_API_KEY": "re_direct_value",
            "RESEND_API_KEY_FILE": str(tmp_path / "secret"),
        }
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "RESEND_API_KEY and RESEND_API_KEY_FILE are both set" in result.stderr
    assert "re_direct_value" not in result.stderr
    assert "re_from_a_file" not in result.stderr


@pytest.mark.parametrize("problem", ["missing", "a folder", "empty"])
def test_a_secret_file_that_cannot_be_used_stops_start_up(tmp_path, problem):
    path = tmp_path / "secret"
    if problem == "a folder":
        path.mkdir()
    elif problem == "empty":
        path.write_text("\n")

    result = load_settings({"DEBUG": "1", "DATABASE_URL_FILE": str(path)})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"DATABASE_URL_FILE={path}" in result.stderr


def test_an_empty_file_variable_counts_as_unset():
    result = load_settings({"DEBUG": "1", "REDIS_URL_FILE": ""}, "s.REDIS_URL")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ""


CORS = "[s.CORS_ALLOWED_ORIGINS, s.CORS_ALLOW_CREDENTIALS, s.CSRF_TRUSTED_ORIGINS]"


def test_cors_is_off_unless_origins_are_named():
    result = load_settings({"DEBUG": "1"}, CORS)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[], True, []]


def test_cors_origins_come_from_the_environment_and_are_trusted_for_csrf():
    result = load_settings(
        {
            "DEBUG": "1",
            "PIKOSHI_CORS_ORIGINS": "https://app.example.org, http://127.0.0.1:5173",
            "CSRF_TRUSTED_ORIGINS": "https://photos.example.org",
        },
        CORS,
    )

    assert result.returncode == 0, result.stderr
    origins = ["https://app.example.org", "http://127.0.0.1:5173"]
    assert json.loads(result.stdout) == [
        origins,
        True,
        ["https://photos.example.org", *origins],
    ]


@pytest.mark.parametrize(
    "value",
    [
        "*",
        "null",
        "app.example.org",
        "https://app.example.org/",
        "https://app.example.org/spa",
        "https://*.example.org",
        "ftp://app.example.org",
        "https://app.example.org?x=1",
        "https://user@app.example.org",
        "https://app.example.org:port",
    ],
)
def test_a_cors_origin_that_is_not_exactly_an_origin_stops_start_up(value):
    result = load_settings({"DEBUG": "1", "PIKOSHI_CORS_ORIGINS": value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "PIKOSHI_CORS_ORIGINS" in result.stderr
