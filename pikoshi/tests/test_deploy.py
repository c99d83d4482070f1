"""`manage.py check --deploy` is clean under production environment variables."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    # DEBUG unset, DATABASE_URL unset (SQLite is fine for the check).
    "SECRET_KEY": "k7Qz-3vR9pL2xW8mN4tY6uB1cE5hJ0aS_dF7gH2jK9lP3oI8uT",
    "ALLOWED_HOSTS": "photos.example.org",
    "SITE_ROOT": "https://photos.example.org",
    "RESEND_API_KEY": "re_test_0123456789",
    "DJANGO_SETTINGS_MODULE": "pikoshi.settings",
}


def run_manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", ""),
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_production_mails_through_resend():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.MAILERS['default']['BACKEND'])",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "anymail.backends.resend.EmailBackend"
