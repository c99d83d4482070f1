import json
import logging

from django.core.cache import cache


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_cache_and_storage(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_answers_503_when_the_cache_loses_writes(client, db, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_each_request_is_logged_as_one_json_line(client, owner, caplog):
    client.force_login(owner)
    with caplog.at_level(logging.INFO, logger="pikoshi.requests"):
        client.get("/healthz?secret=hidden")
    line = json.loads(caplog.records[-1].getMessage())
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["user"] == str(owner.uuid)
    assert "secret" not in caplog.text


def test_tokens_in_media_and_share_link_paths_are_not_logged(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="pikoshi.requests"):
        client.get("/media/SECRETTOKEN/")
        client.get("/s/SECRETLINK/photos/abc/")
    paths = [json.loads(record.getMessage())["path"] for record in caplog.records]
    assert paths[-2:] == ["/media/<token>/", "/s/<token>/photos/abc/"]
    assert "SECRET" not in caplog.text
