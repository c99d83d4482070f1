"""A mobile app generated from the live server's two OpenAPI documents lives a whole life.

openapi-python-client generates `allauth_client` from `/_allauth/openapi.json` and
`pikoshi_client` from `/api/schema/` as the live server serves them now, so the test proves
the current documents, not a copy. e2e/clients/life.py then signs up with the emailed code,
signs in, turns on 2FA and signs in with it, uploads, pages the timeline by cursor, makes an
album and a share link, revokes it, trashes and restores a photo and signs out, through the
generated functions and models alone; `mypy --strict` shows it needs no cast to do so.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from accounts.tests.conftest import code_in
from accounts.tests.test_mfa import totp
from conftest import PASSWORD
from gallery.models import Photo, ShareLink
from gallery.tests import imagegen

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = Path(__file__).resolve().parent / "clients"
BIN = Path(sys.executable).parent
# No formatter run after generating: the generated code is read by Python and mypy only.
# A ZIP is bytes to the client: the generator reads bytes as application/octet-stream.
GENERATOR_CONFIG = (
    "post_hooks: []\ncontent_type_overrides:\n  application/zip: application/octet-stream\n"
    "  application/offset+octet-stream: application/octet-stream\n"
)
DOCUMENTS = {"pikoshi_client": "/api/schema/", "allauth_client": "/_allauth/openapi.json"}


@pytest.fixture(scope="module")
def generated(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Both clients, generated from what the live server serves, importable for the tests."""
    tmp_path = tmp_path_factory.mktemp("clients")
    config = tmp_path / "generator.yaml"
    config.write_text(GENERATOR_CONFIG)
    for package, document in DOCUMENTS.items():
        result = subprocess.run(
            [
                BIN / "openapi-python-client",
                "generate",
                "--url",
                live_server.url + document,
                "--meta",
                "none",
                "--config",
                config,
                "--output-path",
                tmp_path / package,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        # A part of the document the generator could not read is a part an app cannot call.
        assert "Warning" not in output, output
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in list(sys.modules):
        if name.split(".")[0] in DOCUMENTS or name == "e2e.clients.life":
            del sys.modules[name]


def test_a_generated_mobile_client_lives_a_whole_life(
    generated: Path, live_server: LiveServer, settings
) -> None:
    # Codes of the next 30 s step are accepted too, so the sign-in after activating the app
    # needs no wait (a code still works once only).
    settings.MFA_TOTP_TOLERANCE = 1
    steps = iter(range(2))

    def authenticator_code(secret: str) -> str:
        return totp(secret, offset=next(steps))

    life_module = importlib.import_module("e2e.clients.life")
    life = life_module.live(
        live_server.url,
        email="mobile@example.com",
        password=PASSWORD,
        emailed_code=lambda: code_in(mail.outbox[-1]),
        authenticator_code=authenticator_code,
        images=[imagegen.jpeg(image=imagegen.photo_like((64, 48), seed=n)) for n in range(3)],
    )

    user = User.objects.get(email="mobile@example.com")
    assert life.user_id == str(user.uuid)
    assert EmailAddress.objects.filter(user=user, verified=True).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Three uploads on two pages, newest first, each once.
    assert [len(page) for page in life.timeline] == [2, 1]
    assert sorted(sum(life.timeline, [])) == sorted(life.uploaded)
    assert life.trashed == [life.uploaded[0]]
    assert life.restored == life.uploaded[0]
    assert Photo.objects.filter(owner=user, deleted_at__isnull=True).count() == 3
    assert not ShareLink.objects.filter(album__public_id=life.album, revoked_at=None).exists()
    assert life.link_url.startswith(live_server.url)
    assert life.after_sign_out == [
        "access: token_not_valid",
        "refresh: token_not_valid",
        "session: 410",
    ]


def test_the_life_type_checks_strictly_against_the_generated_clients(generated: Path) -> None:
    """`mypy --strict` over e2e/clients/life.py with the fresh packages: no cast needed."""
    source = (CLIENTS / "life.py").read_text()
    for crutch in ("cast(", "type: ignore", "import httpx", "import requests", "Any"):
        assert crutch not in source, f"life.py leans on {crutch!r}"
    config = generated / "mypy.ini"
    config.write_text(
        "[mypy]\nstrict = True\npython_version = 3.12\n"
        f"cache_dir = {generated / '.mypy_cache'}\n"
        # The generated code is the generator's; only the life's own use of it is judged.
        "[mypy-allauth_client.*,pikoshi_client.*]\nfollow_imports = silent\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", config, CLIENTS / "life.py"],
        capture_output=True,
        text=True,
        timeout=300,
        env={"MYPYPATH": str(generated), "PATH": str(BIN)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
