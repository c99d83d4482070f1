"""Write the two OpenAPI documents exactly as the server serves them, for openapi-typescript."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pikoshi.settings_test")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

DOCUMENTS = {"pikoshi": "/api/schema/", "allauth": "/_allauth/openapi.json"}

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
setup_test_environment()  # the test client's host, "testserver", is then allowed
client = Client()
for name, path in DOCUMENTS.items():
    response = client.get(path, HTTP_ACCEPT="application/json, */*")
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    (out / f"{name}.json").write_bytes(response.content)
