"""Media in a private S3 bucket: a real S3-compatible server (moto) on 127.0.0.1.

The storage configuration is the one pikoshi/settings.py builds from the environment,
swapped in with override_settings (Django then resets `storages` and `default_storage`,
which every Photo FileField uses). Viewers are redirected to presigned URLs that a real
HTTP client follows.
"""

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from moto.server import ThreadedMotoServer

from gallery import media
from gallery.management.commands.media_transfer import local_storage, transfer
from gallery.models import Photo
from gallery.services.photos import photo_delete_forever, photo_trash, photo_upload, trash_purge
from gallery.services.sharing import share_link_create, share_link_default_expiry
from gallery.tests.factories import album_of, jpeg_upload, jpeg_with_gps_bytes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"AWS_ACCESS_KEY_ID": "pikoshi-test", "AWS_SECRET_ACCESS_KEY": "pikoshi-test-secret"}


@pytest.fixture(scope="session")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3_settings(s3_endpoint):
    """STORAGES["default"] exactly as settings.py builds it when a bucket is named."""
    env = {
        **os.environ,
        **KEYS,
        "DJANGO_SETTINGS_MODULE": "pikoshi.settings",
        "DEBUG": "1",
        "AWS_STORAGE_BUCKET_NAME": "pikoshi-media",
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "eu-west-1",
    }
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({'default': settings.STORAGES['default'], "
        "'redirect': settings.PIKOSHI_MEDIA_REDIRECT, "
        "'img_src': settings.SECURE_CSP['img-src']}))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, check=True
    )
    return json.loads(out.stdout)


@pytest.fixture
def bucket(s3_settings, s3_endpoint, settings, tmp_path):
    """A fresh, empty bucket as the default storage for one test."""
    name = f"pikoshi-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-1", **_keys())
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    config = json.loads(json.dumps(s3_settings["default"]))
    config["OPTIONS"]["bucket_name"] = name
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": config}
    settings.PIKOSHI_MEDIA_REDIRECT = s3_settings["redirect"]
    bucket = type("Bucket", (), {"name": name, "client": client})()
    yield bucket
    settings.STORAGES = {**settings.STORAGES}  # drop the cached S3 storage with the bucket


def _keys():
    return {
        "aws_access_key_id": KEYS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": KEYS["AWS_SECRET_ACCESS_KEY"],
    }


def objects(bucket) -> dict[str, int]:
    listing = bucket.client.list_objects_v2(Bucket=bucket.name)
    return {item["Key"]: item["Size"] for item in listing.get("Contents", [])}


def upload(owner, **kwargs):
    return photo_upload(owner=owner, file=jpeg_upload(**kwargs)).photo


def follow(response) -> httpx.Response:
    assert response.status_code == 302, response
    return httpx.get(response["Location"], timeout=10)


# --- configuration ------------------------------------------------------------------------


def test_a_named_bucket_is_private_presigned_and_never_overwritten(s3_settings):
    config = s3_settings["default"]
    options = config["OPTIONS"]
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert 0 < options["querystring_expire"] <= 600
    assert options["file_overwrite"] is False
    assert options["custom_domain"] is None
    assert s3_settings["redirect"] is True


def test_pages_let_browsers_follow_image_redirects_to_the_bucket(s3_settings, s3_endpoint):
    assert s3_endpoint in s3_settings["img_src"]


def test_the_swap_is_real_photo_files_use_the_bucket(bucket):
    assert Photo._meta.get_field("original").storage.bucket_name == bucket.name
    assert default_storage.bucket_name == bucket.name


# --- upload and serving -------------------------------------------------------------------


def test_upload_puts_the_original_and_three_variants_in_the_bucket(bucket, owner):
    photo = upload(owner)
    stored = objects(bucket)
    names = [photo.original.name, photo.thumb.name, photo.mobile.name, photo.display.name]
    assert sorted(stored) == sorted(names)
    assert stored[photo.original.name] == photo.bytes
    for name in names:
        grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=name)["Grants"]
        assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]


def test_viewer_is_redirected_to_a_short_lived_url_serving_the_variant(bucket, owner, client):
    photo = upload(owner, width=900, height=600)
    client.force_login(owner)
    response = client.get(media.media_url(photo=photo, variant="display", user=owner))

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert int(query["X-Amz-Expires"][0]) <= 600
    assert query["response-content-type"] == ["image/webp"]
    assert response["Cache-Control"].startswith("private")
    fetched = follow(response)
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/webp"
    with default_storage.open(photo.display.name, "rb") as stream:
        assert fetched.content == stream.read()


def test_the_original_downloads_as_an_attachment_of_its_image_type(bucket, owner, client):
    data = jpeg_with_gps_bytes()
    photo = photo_upload(owner=owner, file=jpeg_upload("camera.jpg", data)).photo
    response = client.get(media.media_url(photo=photo, variant="original", user=owner))

    fetched = follow(response)
    assert fetched.headers["content-type"] == "image/jpeg"
    assert fetched.headers["content-disposition"].startswith("attachment")
    assert fetched.content == data


def test_stranger_gets_404_and_no_url_to_the_bucket(bucket, owner, stranger, client):
    photo = upload(owner)
    response = client.get(media.media_url(photo=photo, variant="thumb", user=stranger))
    assert response.status_code == 404
    assert "Location" not in response


def test_share_link_originals_redirect_to_their_stripped_copy_in_the_bucket(bucket, owner, client):
    photo = photo_upload(owner=owner, file=jpeg_upload("camera.jpg", jpeg_with_gps_bytes())).photo
    link = share_link_create(
        user=owner,
        album=album_of(photo),
        allow_download=True,
        expires_at=share_link_default_expiry(),
    ).link
    response = client.get(media.media_url(photo=photo, variant="original", link=link))

    assert response.status_code == 302
    (copy,) = photo.shared_originals.all()
    assert urlsplit(response["Location"]).path.endswith(copy.file.name)
    fetched = follow(response)
    assert fetched.status_code == 200
    assert fetched.headers["content-disposition"].startswith("attachment")
    assert b"Pixelmaker" not in fetched.content
    assert fetched.content[:2] == b"\xff\xd8"


# --- deletion -----------------------------------------------------------------------------


def test_deleting_for_good_leaves_nothing_behind(bucket, owner, django_capture_on_commit_callbacks):
    keep = upload(owner, color=(10, 10, 10))
    gone = upload(owner, color=(250, 250, 250))
    photo_trash(user=owner, photo=gone)
    with django_capture_on_commit_callbacks(execute=True):
        photo_delete_forever(user=owner, photo=gone)
    assert sorted(objects(bucket)) == sorted(
        [keep.original.name, keep.thumb.name, keep.mobile.name, keep.display.name]
    )


def test_trash_purge_empties_the_bucket(bucket, owner, django_capture_on_commit_callbacks):
    from datetime import timedelta

    for color in [(1, 2, 3), (4, 5, 6)]:
        photo_trash(user=owner, photo=upload(owner, color=color))
    assert len(objects(bucket)) == 8
    with django_capture_on_commit_callbacks(execute=True):
        assert trash_purge(older_than=timedelta(seconds=-1)) == 2
    assert objects(bucket) == {}


# --- media_transfer -----------------------------------------------------------------------


def _local_library(owner, settings, tmp_path, count=3):
    """Upload `count` photos into a local folder; returns {name: bytes}."""
    root = tmp_path / "local-media"
    root.mkdir()
    with override_settings(
        MEDIA_ROOT=root,
        STORAGES={
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(root), "base_url": None},
            },
        },
    ):
        for index in range(count):
            upload(owner, color=(index * 40, 90, 200))
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }, root


def test_transfer_moves_the_library_to_the_bucket_and_photos_serve_from_it(
    bucket, owner, settings, tmp_path, client
):
    files, root = _local_library(owner, settings, tmp_path)
    settings.MEDIA_ROOT = root
    err = io.StringIO()
    out = io.StringIO()
    call_command("media_transfer", "--to", "s3", stdout=out, stderr=err)

    assert objects(bucket) == {name: len(data) for name, data in files.items()}
    assert "12/12 files 100%" in err.getvalue()
    assert "Copied 12 files" in out.getvalue()
    photo = Photo.objects.filter(owner=owner).first()
    fetched = follow(client.get(media.media_url(photo=photo, variant="thumb", user=owner)))
    assert fetched.content == files[photo.thumb.name]


def test_transfer_resumes_skipping_what_is_there_and_replacing_partial_copies(
    bucket, owner, settings, tmp_path
):
    files, root = _local_library(owner, settings, tmp_path, count=2)
    settings.MEDIA_ROOT = root
    names = sorted(files)
    # An earlier run was interrupted: one file copied, one cut short.
    bucket.client.put_object(Bucket=bucket.name, Key=names[0], Body=files[names[0]])
    bucket.client.put_object(Bucket=bucket.name, Key=names[1], Body=files[names[1]][:10])

    counts = transfer(local_storage(), default_storage, progress_stream=io.StringIO())

    assert counts["skipped"] == 1 and counts["copied"] == len(names) - 1
    assert objects(bucket) == {name: len(data) for name, data in files.items()}
    body = bucket.client.get_object(Bucket=bucket.name, Key=names[1])["Body"].read()
    assert body == files[names[1]]


def test_transfer_back_to_local_restores_every_byte(bucket, owner, settings, tmp_path):
    files, root = _local_library(owner, settings, tmp_path, count=2)
    settings.MEDIA_ROOT = root
    call_command("media_transfer", "--to", "s3", stdout=io.StringIO(), stderr=io.StringIO())
    back = tmp_path / "back"
    settings.MEDIA_ROOT = back
    err = io.StringIO()
    call_command("media_transfer", "--to", "local", stdout=io.StringIO(), stderr=err)

    restored = {str(p.relative_to(back)): p.read_bytes() for p in back.rglob("*") if p.is_file()}
    assert restored == files
    assert "8/8 files 100%" in err.getvalue()


def test_transfer_without_a_bucket_says_what_to_set(settings):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME"):
        call_command("media_transfer", "--to", "s3")
