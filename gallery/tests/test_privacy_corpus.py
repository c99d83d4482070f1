"""The privacy corpus: files with a place, a camera and a marker planted in every
container their format allows, uploaded, shared every way Pikoshi shares, and every byte
anyone but the owner can fetch searched for them (issue 13).

Routes: a link with downloads on (variants and the original), album membership, the
family circle and a public album (variants; their originals are never handed out). The
files still decode with Pillow, at the right size and the right way up.
"""

import io
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageOps

from accounts.models import User
from gallery import media
from gallery.imaging.strip import strip_metadata
from gallery.models import AlbumMember, Audience, Circle, Connection, Photo
from gallery.services import sharing as sharing_services
from gallery.services.photos import photo_upload
from gallery.tests import imagegen, planted
from gallery.tests.factories import album_of, make_album, make_link

pytestmark = pytest.mark.django_db

UPRIGHT = (90, 60)  # the picture as it should be seen


def _stored(orientation: int) -> Image.Image:
    """The upright marked picture as a camera stores it for `orientation`."""
    picture = imagegen.marked(UPRIGHT)
    method = imagegen._CAMERA_STORES[orientation]  # noqa: SLF001 - the test images' own table
    return picture.transpose(method) if method is not None else picture


def _jpeg() -> bytes:
    return planted.jpeg(image=_stored(6), orientation=6)


def _progressive() -> bytes:
    return planted.jpeg(image=_stored(6), orientation=6, progressive=True)


def _png() -> bytes:
    return planted.png(image=_stored(8), orientation=8)


def _webp() -> bytes:
    return planted.webp(image=_stored(3), orientation=3)


def _gif() -> bytes:
    return planted.gif()


def _heic() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener(thumbnails=False)
    out = io.BytesIO()
    _stored(6).save(
        out,
        "HEIF",
        quality=90,
        exif=planted.exif(orientation=6).tobytes(),
        xmp=planted.xmp(),
    )
    return out.getvalue()


# name: (builder, file name, content type, upright size or None when not a marked picture)
CORPUS: dict[str, tuple[Callable[[], bytes], str, str, tuple[int, int]]] = {
    "jpeg": (_jpeg, "IMG_0001.JPG", "image/jpeg", UPRIGHT),
    "jpeg-progressive": (_progressive, "IMG_0002.JPG", "image/jpeg", UPRIGHT),
    "png": (_png, "screen.png", "image/png", UPRIGHT),
    "webp": (_webp, "edit.webp", "image/webp", UPRIGHT),
    "gif": (_gif, "loop.gif", "image/gif", (64, 48)),
    "heic": (_heic, "IMG_0003.HEIC", "image/heic", UPRIGHT),
}
MARKED = {"jpeg", "jpeg-progressive", "png", "webp", "heic"}


def fetch(client: Client, url: str) -> bytes:
    assert url, "no URL was issued"
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def upright(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return ImageOps.exif_transpose(image)


def dominant(colour: tuple[int, ...]) -> str:
    return ("red", "green", "blue")[max(range(3), key=lambda i: colour[i])]


def assert_looks_right(name: str, data: bytes, *, variant: bool) -> None:
    image = upright(data)
    size = CORPUS[name][3]
    if variant:
        assert image.width <= size[0] and image.height <= size[1]
        assert abs(image.width / image.height - size[0] / size[1]) < 0.05
    else:
        assert image.size == size
    if name in MARKED:
        # By the strongest channel: a Display P3 profile moves the exact colours.
        corners = {k: dominant(v) for k, v in imagegen.corner_colours(image).items()}
        assert corners == {
            "top_left": "red",
            "top_right": "green",
            "bottom_left": "blue",
            "bottom_right": "blue",
        }


def assert_clean(data: bytes, *, allowed: frozenset[str] = frozenset()) -> None:
    assert planted.leaks(data, allowed=allowed) == []
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    if "gps" not in allowed:
        assert dict(exif.get_ifd(0x8825)) == {}
    if "camera" not in allowed:
        assert 0x010F not in exif and 0x0110 not in exif
    assert not image.info.get("xmp") and "comment" not in image.info


@pytest.fixture(params=sorted(CORPUS))
def name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def photo(owner: User, name: str) -> Photo:
    build, file_name, content_type, _ = CORPUS[name]
    source = build()
    assert planted.leaks(source), "the corpus file must carry what the test looks for"
    album = make_album(owner, title=f"Corpus {name}")
    file = SimpleUploadedFile(file_name, source, content_type=content_type)
    uploaded = photo_upload(owner=owner, file=file, album=album).photo
    assert uploaded.is_ready and uploaded.mime_type == content_type
    return uploaded


def test_link_with_downloads_hands_out_nothing_planted(
    owner: User, photo: Photo, name: str
) -> None:
    link = make_link(owner, album_of(photo), allow_download=True).link
    visitor = Client()
    for variant in media.VARIANTS:
        data = fetch(visitor, media.media_url(photo=photo, variant=variant, link=link))
        assert_clean(data)
        assert_looks_right(name, data, variant=True)
    original = fetch(visitor, media.media_url(photo=photo, variant="original", link=link))
    assert_clean(original)
    assert_looks_right(name, original, variant=False)
    assert original[:4] == photo.original.open("rb").read(4)  # still the uploaded format


@pytest.mark.parametrize(
    ("switches", "allowed"),
    [
        ({"share_camera": True}, frozenset({"camera"})),
        ({"share_location": True}, frozenset({"gps"})),
    ],
)
def test_link_switches_add_back_only_what_they_name(
    owner: User, photo: Photo, name: str, switches: dict[str, bool], allowed: frozenset[str]
) -> None:
    link = make_link(owner, album_of(photo), allow_download=True, **switches).link
    original = fetch(Client(), media.media_url(photo=photo, variant="original", link=link))
    assert_clean(original, allowed=allowed)
    assert_looks_right(name, original, variant=False)
    if name != "gif":  # GIF has nowhere to keep a camera or a place
        exif = Image.open(io.BytesIO(original)).getexif()
        if "gps" in allowed:
            assert exif.get_ifd(0x8825)[1] == "N"
        else:
            assert exif[0x010F] == planted.MAKE


def test_members_family_and_public_visitors_get_nothing_planted(
    owner: User, guest: User, stranger: User, photo: Photo, name: str
) -> None:
    album = album_of(photo)
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.VIEWER)
    Connection.objects.create(user=owner, contact=stranger, circle=Circle.FAMILY)
    Connection.objects.create(user=stranger, contact=owner, circle=Circle.FAMILY)
    sharing_services.album_sharing_update(user=owner, album=album, audience=Audience.FAMILY)
    photo.refresh_from_db()
    routes: dict[str, dict[str, User]] = {"member": {"user": guest}, "family": {"user": stranger}}
    for route, subject in routes.items():
        client = Client()
        client.force_login(subject["user"])
        for variant in media.VARIANTS:
            data = fetch(client, media.media_url(photo=photo, variant=variant, **subject))
            assert_clean(data)
            assert_looks_right(name, data, variant=True)
        original = media.media_url(photo=photo, variant="original", **subject)
        assert client.get(original).status_code == 404, route

    sharing_services.album_sharing_update(user=owner, album=album, audience=Audience.PUBLIC)
    photo.refresh_from_db()
    visitor = Client()
    for variant in media.VARIANTS:
        data = fetch(
            visitor, media.media_url(photo=photo, variant=variant, anyone=True, album=album)
        )
        assert_clean(data)
        assert_looks_right(name, data, variant=True)
    original = media.media_url(photo=photo, variant="original", anyone=True, album=album)
    assert visitor.get(original).status_code == 404


def _scans(data: bytes) -> list[bytes]:
    """Each scan of the first image: its SOS header and entropy-coded data."""
    found = []
    pos = data.index(b"\xff\xda")
    end = data.index(b"\xff\xd9")
    while 0 <= pos < end:
        nxt = pos + 2
        while True:
            nxt = data.index(b"\xff", nxt + 1)
            if data[nxt + 1] not in (0x00, *range(0xD0, 0xD8)):
                break
        found.append(data[pos:nxt])
        pos = data.find(b"\xff\xda", nxt)
    return found


@pytest.mark.parametrize("progressive", [False, True])
def test_jpeg_scans_are_copied_byte_for_byte(progressive: bool) -> None:
    source = planted.jpeg(image=_stored(6), orientation=6, progressive=progressive)
    out = strip_metadata(source, "image/jpeg", keep_camera=False, keep_location=False)
    scans = _scans(source)
    assert len(scans) > (2 if progressive else 0)
    assert all(scan in out for scan in scans)
    assert Image.open(io.BytesIO(out)).tobytes() == Image.open(io.BytesIO(source)).tobytes()
    assert planted.leaks(out) == []


def test_a_members_zip_of_a_selection_carries_nothing_planted(
    owner: User, guest: User, photo: Photo, name: str
) -> None:
    """Even with the album sharing camera and place, a member's download holds the display
    copy: the archive's bytes, and the file inside, carry nothing planted."""
    album = album_of(photo)
    album.share_camera = album.share_location = True
    album.save()
    AlbumMember.objects.create(album=album, user=guest, role=AlbumMember.Role.VIEWER)
    client = Client()
    client.force_login(guest)
    response = client.post(
        "/api/photos/download/", {"ids": [str(photo.public_id)]}, content_type="application/json"
    )
    assert response.status_code == 200
    archive = b"".join(response.streaming_content)
    assert planted.leaks(archive) == []
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.namelist() == [f"photo-{photo.public_id}.webp"]
        data = opened.read(opened.namelist()[0])
    assert_clean(data)
    assert_looks_right(name, data, variant=True)
    assert CORPUS[name][1].rsplit(".", 1)[0].encode() not in archive  # not its file name
