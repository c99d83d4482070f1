"""Property-based tests (hypothesis) of what people type and what travels in URLs.

Album titles and descriptions of any unicode (NULs, right-to-left marks, emoji, very
long), pagination cursors of any shape, and dates from EXIF and share-link forms: each
is either accepted and stored exactly, or refused as a ValidationError / 400 - never
another exception and never a 500. Example counts stay small so the suite stays fast.
"""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.api.tokens import token_pair_issue
from gallery.imaging.sniff import ImageRejected
from gallery.imaging.variants import process_image
from gallery.models import Album, Photo
from gallery.selectors import photos as photo_selectors
from gallery.services import albums as album_services
from gallery.services import photos as photo_services
from gallery.tests import imagegen
from gallery.tests.factories import album_of, make_photos, media_root_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    database=None,  # no .hypothesis/ folder in the work tree
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUZZ_HTTP = settings(FUZZ, max_examples=12)

# Text people could paste: anything, plus a bias towards what breaks things.
NASTY = "\x00\x01\u202e\u200f\u200b\ufeff\u0301 ab<>\"'&;\n\r\t\\/%\U0001f600\u05d0\u0627"
texts = st.one_of(
    st.text(max_size=260),
    st.text(alphabet=NASTY, max_size=260),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=5100),
)


class Rollback(Exception):
    """Undo one example's writes so the next starts from the same database."""


def rolled_back(function):
    try:
        with transaction.atomic():
            function()
            raise Rollback
    except Rollback:
        pass


# --- album titles and descriptions ---------------------------------------------------------------


@FUZZ
@given(title=texts, description=texts)
@example(title="\x00", description="")
@example(title="Summer\x00", description="x")
@example(title="\u202eevil", description="\x00" * 10)
@example(title="a" * 200, description="b" * 5000)
@example(title="a" * 201, description="")
def test_album_create_stores_exactly_or_refuses(owner, title, description):
    def attempt():
        try:
            album = album_services.album_create(owner=owner, title=title, description=description)
        except ValidationError as exc:
            assert exc.messages and all(isinstance(m, str) and m for m in exc.messages)
            return
        stored = Album.objects.get(pk=album.pk)
        assert stored.title == title.strip() and stored.title
        assert stored.description == description.strip()
        assert len(stored.title) <= 200 and len(stored.description) <= 5000

    rolled_back(attempt)


@FUZZ
@given(title=texts, description=texts)
@example(title="ok", description="\x00")
def test_album_update_stores_exactly_or_refuses(owner, title, description):
    def attempt():
        album = album_services.album_create(owner=owner, title="Before", description="before")
        try:
            album_services.album_update(
                user=owner, album=album, title=title, description=description
            )
        except ValidationError:
            stored = Album.objects.get(pk=album.pk)
            assert (stored.title, stored.description) == ("Before", "before")
            return
        stored = Album.objects.get(pk=album.pk)
        assert (stored.title, stored.description) == (title.strip(), description.strip())

    rolled_back(attempt)


@FUZZ_HTTP
@given(title=texts, description=texts)
@example(title="Summer\x00", description="")
def test_album_forms_and_api_answer_4xx_or_store(owner, title, description):
    page = Client()
    page.force_login(owner)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=owner).access}")

    def attempt():
        before = Album.objects.count()
        response = page.post(reverse("album_create"), {"title": title, "description": description})
        assert response.status_code in (200, 302, 400), response.status_code
        assert Album.objects.count() == before + (response.status_code == 302)
        response = api.post(
            reverse("api_album_list"),
            {"title": title, "description": description},
            content_type="application/json",
        )
        assert response.status_code in (201, 400), response.status_code
        if response.status_code == 400:
            assert response.json()["code"] == "invalid"
        else:
            stored = Album.objects.get(public_id=response.json()["id"])
            assert stored.title == title.strip()

    rolled_back(attempt)


# --- pagination cursors ------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
# Cursors the server could have signed itself but with contents it never writes: the
# decoder behind the signature must cope with them too.
signed_cursors = st.one_of(
    json_values,
    st.tuples(
        st.datetimes(
            min_value=datetime(1800, 1, 1),
            max_value=datetime(9000, 1, 1),
            timezones=st.none() | st.timezones(),
        ).map(lambda d: d.isoformat()),
        st.uuids().map(lambda u: u.hex) | st.text(max_size=40),
    ).map(list),
).map(lambda value: signing.dumps(value, salt=photo_selectors.CURSOR_SALT))
cursors = st.one_of(st.text(max_size=600), st.text(alphabet=NASTY, max_size=80), signed_cursors)


@pytest.fixture
def library(owner, media_root):
    return make_photos(owner, 4)


@FUZZ
@given(cursor=cursors, limit=st.integers(min_value=-5, max_value=500) | st.text(max_size=5))
@example(cursor="", limit=0)
@example(cursor=signing.dumps(["2024-01-01T00:00:00", "00" * 16], salt="pikoshi.cursor"), limit=1)
def test_any_cursor_is_a_page_or_invalid_cursor(owner, library, cursor, limit):
    try:
        page = photo_selectors.timeline_page(user=owner, cursor=cursor, limit=limit)
    except photo_selectors.InvalidCursor as exc:
        assert str(exc) == photo_selectors.BAD_CURSOR
        return
    assert len(page.photos) <= len(library)
    assert all(photo.owner_id == owner.pk for photo in page.photos)


@FUZZ_HTTP
@given(cursor=cursors, limit=st.text(max_size=6))
def test_any_cursor_in_a_url_is_200_or_400(owner, library, cursor, limit):
    page = Client()
    page.force_login(owner)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=owner).access}")
    album = album_of(library[0])
    for url in (reverse("home"), reverse("album_detail", args=[album.public_id])):
        response = page.get(url, {"cursor": cursor})
        assert response.status_code in (200, 400), (url, response.status_code)
    for url in (reverse("api_photo_list"), reverse("api_album_photos", args=[album.public_id])):
        response = api.get(url, {"cursor": cursor, "limit": limit})
        assert response.status_code in (200, 400), (url, response.status_code)
        body = response.json()
        if response.status_code == 400:
            assert body["code"] in ("invalid", "invalid_cursor") and body["detail"]
        else:
            assert len(body["results"]) <= len(library)


# --- dates -------------------------------------------------------------------------------------

exif_text = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A[0-9]{4}:[0-9]{2}:[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\Z"),
    st.datetimes(min_value=datetime(1, 1, 1)).map(lambda d: d.strftime("%Y:%m:%d %H:%M:%S")),
)
offsets = st.none() | st.from_regex(r"\A[+-][0-9]{2}:[0-9]{2}\Z") | st.text(max_size=8)


@FUZZ
@given(taken=exif_text, offset=offsets, subsec=st.none() | st.text(max_size=8))
@example(taken="9999:12:31 23:59:59", offset="-14:00", subsec=None)
@example(taken="0001:01:01 00:00:00", offset="+14:00", subsec=None)
@example(taken="1800:01:01 00:00:00", offset="+14:00", subsec="999999999")
@example(taken="2024:02:30 10:00:00", offset=None, subsec=None)
def test_any_exif_date_is_a_date_or_none_and_the_upload_is_stored(
    owner, media_root, taken, offset, subsec
):
    exif = imagegen.make_exif(taken_at=taken, offset=offset, subsec=subsec)
    data = imagegen.jpeg((8, 8), exif=exif)
    try:
        image = process_image(io.BytesIO(data), max_pixels=10_000)
    except ImageRejected:
        return  # e.g. an EXIF block the encoder wrote but the decoder calls corrupt
    if image.taken_at is not None:
        assert image.taken_at.year >= 1800
        offset_now = image.taken_at.utcoffset()
        assert offset_now is None or abs(offset_now) <= timedelta(hours=14)

    def attempt():
        result = photo_services.photo_upload(owner=owner, file=imagegen.uploaded(data))
        stored = Photo.objects.get(pk=result.photo.pk)
        assert stored.taken_at.tzinfo is not None
        assert stored.taken_at_from_exif == (image.taken_at is not None)
        # The timeline can read it back and page past it.
        page = photo_selectors.timeline_page(user=owner, limit=1)
        assert page.photos == [stored]

    rolled_back(attempt)


@FUZZ_HTTP
@given(expires_at=st.one_of(st.text(max_size=40), st.datetimes().map(datetime.isoformat)))
@example(expires_at="9999-12-31T23:59:59-14:00")
@example(expires_at="0001-01-01T00:00:00+14:00")
@example(expires_at="2020-01-01T00:00:00Z")
def test_share_link_expiry_from_the_api_is_201_or_400(owner, expires_at):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=owner).access}")
    album = album_services.album_create(owner=owner, title="Trip")
    url = reverse("api_album_links", args=[album.public_id])

    def attempt():
        response = api.post(url, {"expires_at": expires_at}, content_type="application/json")
        assert response.status_code in (201, 400), (expires_at, response.status_code)
        if response.status_code == 201:
            expiry = datetime.fromisoformat(response.json()["expires_at"])
            assert expiry > datetime.now(UTC)

    rolled_back(attempt)
