"""Signed, expiring media URLs and the view that serves them.

A photo's bytes never sit behind a public, guessable URL. `media_url` signs
"this photo, this variant, for this subject" (a person, or a share link) with a
timestamp; the URL itself is the credential because an <img> cannot send a Bearer
header. The view re-runs the permission check for that subject on every request, so
revoking access (or trashing the photo) breaks URLs already handed out at once, and
an old URL stops working after PIKOSHI_MEDIA_URL_MAX_AGE seconds anyway.

Files are read through the storage API only: streamed with FileResponse by default,
handed to nginx with X-Accel-Redirect when PIKOSHI_X_ACCEL_REDIRECT names the
internal location, or, with an S3 bucket, answered by a redirect to a presigned URL
that lives a few minutes (PIKOSHI_S3_URL_MAX_AGE) and forces the content type and
disposition, issued only after the same check.
"""

import hashlib
import logging
import re
import time
import uuid
from functools import partial
from pathlib import PurePath
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.db.models.fields.files import FieldFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, parse_etags
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_safe

from gallery import permissions
from gallery.imaging.sniff import ACCEPTED_TYPES, VIDEO_EXTENSIONS
from gallery.imaging.strip import MetadataError
from gallery.imaging.variants import VARIANT_SIZES
from gallery.imaging.video import RENDITION_TYPE
from gallery.models import Photo, ShareLink
from gallery.selectors import photos as photo_selectors
from gallery.selectors import visitors as visitor_selectors
from gallery.services import photos as photo_services
from gallery.zipping import Member, stream_zip

logger = logging.getLogger(__name__)

SALT = "pikoshi.media"
VARIANTS = tuple(VARIANT_SIZES)
ORIGINAL = "original"
VIDEO = "video"  # a video's web-playable rendition
NAMES = (*VARIANTS, VIDEO, ORIGINAL)
# URLs signed within the same minute are identical, so a browser that saw a thumbnail a
# moment ago finds it in its cache instead of asking again with a new URL.
SIGNING_BUCKET_SECONDS = 60
# Originals are served as the type sniffed at upload; anything else would be a bug, and
# is sent as an opaque download rather than something a browser might render as a page.
SAFE_ORIGINAL_TYPES = ACCEPTED_TYPES | frozenset(VIDEO_EXTENSIONS)


class _MediaSigner(signing.TimestampSigner):
    def timestamp(self):
        now = int(time.time())
        return signing.b62_encode(now - now % SIGNING_BUCKET_SECONDS)


def _signer() -> _MediaSigner:
    return _MediaSigner(salt=SALT)


def media_url(
    *, photo: Photo, variant: str, user=None, link=None, anyone: bool = False, album=None
) -> str:
    """A signed URL for `variant` of `photo`, issued to `user` (or to a share `link`).

    The URL names its subject; the media view checks that subject's access on each
    request. `anyone=True` issues it to visitors of the public `album` without an account
    (the subject is then that album's public address, at which it must still be public
    and still hold the photo). Nobody to issue it to (an anonymous visitor) gives "".
    """
    if variant not in NAMES:
        raise ValueError(f"Unknown variant {variant!r}.")
    if variant == VIDEO and not (photo.is_ready and photo.video):
        return ""  # a worker is still making it (or could not): nothing to link to yet
    if variant in VARIANTS and not photo.shows_variants:
        return ""
    if link is not None:
        subject = f"l{link.public_id.hex}"
    elif anyone:
        if album is None or album.public_address is None:
            raise ValueError("A public media URL names the public album it is seen in.")
        subject = f"p{album.public_address.hex}"
    elif permissions.is_person(user):
        subject = f"u{user.uuid.hex}"
    else:
        return ""
    token = _signer().sign(f"{photo.public_id.hex}.{variant}.{subject}")
    return reverse("media", kwargs={"token": token})


def media_urls(*, photo: Photo, user) -> dict[str, str]:
    """thumb, mobile and display URLs for this viewer, plus the original for its owner.

    A photo whose variants are still being made (or could not be) has no variant URLs.
    """
    if not permissions.is_person(user):
        return {}
    urls = {}
    if photo.shows_variants:
        urls = {v: media_url(photo=photo, variant=v, user=user) for v in VARIANTS}
        if photo.is_ready and photo.video:
            urls[VIDEO] = media_url(photo=photo, variant=VIDEO, user=user)
    if permissions.can_view_original(user, photo):
        urls[ORIGINAL] = media_url(photo=photo, variant=ORIGINAL, user=user)
    return urls


def selection_zip(*, user, ids: list[uuid.UUID]) -> StreamingHttpResponse:
    """A ZIP of the photos this person may download among `ids`, streamed as it is read
    from storage; 404 when there is none (which ids exist is never told)."""
    items = photo_selectors.selection_download(user=user, ids=ids)
    if not items:
        raise Http404("None of these photos can be downloaded.")

    def skipped(member: Member, exc: Exception) -> None:
        logger.error("Stored file missing from a download: %s (%s)", member.path, exc)

    members = [
        Member(
            item.path,
            item.photo.taken_at,
            partial(item.file.storage.open, str(item.file.name), "rb"),
        )
        for item in items
    ]
    response = StreamingHttpResponse(
        stream_zip(members, skip=skipped), content_type="application/zip"
    )
    day = timezone.localdate()
    response["Content-Disposition"] = content_disposition_header(
        True, f"pikoshi-{day:%Y-%m-%d}-{len(items)}-photos.zip"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Pikoshi-Photos"] = str(len(items))
    return response


# --- The view ---------------------------------------------------------------------------------


def _read_token(token: str) -> tuple[uuid.UUID, str, str, uuid.UUID, int]:
    """(photo id, variant, subject kind, subject id, seconds left) or Http404."""
    max_age = settings.PIKOSHI_MEDIA_URL_MAX_AGE
    signer = _signer()
    try:
        value = signer.unsign(token, max_age=max_age)
        signed_at = signing.b62_decode(token.rsplit(signer.sep, 2)[1])
        photo_hex, variant, subject = value.split(".")
        photo_id = uuid.UUID(hex=photo_hex)
        kind, subject_id = subject[:1], uuid.UUID(hex=subject[1:])
    except (signing.BadSignature, ValueError, IndexError):
        raise Http404("No such file.") from None
    if variant not in NAMES or kind not in {"u", "l", "p"}:
        raise Http404("No such file.")
    remaining = max(0, int(max_age - (time.time() - signed_at)))
    return photo_id, variant, kind, subject_id, remaining


def _etag(photo: Photo, variant: str, name: str, link: ShareLink | None) -> str:
    """Strong and per file: the owner's original is its SHA-256; the rest (variants and the
    stripped copies a link hands out, one stored file per policy) name their bytes."""
    if variant == ORIGINAL and link is None:
        return f'"{photo.sha256}"'
    digest = hashlib.sha256(f"{photo.sha256}:{variant}:{name}".encode()).hexdigest()
    return f'"{digest[:40]}"'


def _file_name(photo: Photo, variant: str, *, owner: bool) -> str:
    """A harmless name for the browser: the uploaded name only for its owner, else the id."""
    if variant == VIDEO:
        return f"{photo.public_id}-video.mp4"
    if variant != ORIGINAL:
        return f"{photo.public_id}-{variant}.webp"
    stem = ""
    if owner:
        try:
            stem = get_valid_filename(PurePath(photo.original_name or "x").stem)[:100]
        except SuspiciousFileOperation:
            stem = ""
    return f"{stem or f'photo-{photo.public_id}'}{photo.original_extension}"


def _not_modified(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    etags = parse_etags(header)
    return "*" in etags or etag in etags or f"W/{etag}" in etags


def _open(photo: Photo, field):
    try:
        return field.storage.open(field.name, "rb")
    except FileNotFoundError:
        logger.error("Stored file missing for photo %s: %s", photo.public_id, field.name)
        raise Http404("No such file.") from None


def _shared_original(photo: Photo, link: ShareLink) -> FieldFile:
    """The stored copy of the original a link holder gets: camera and location only if the
    link allows and, for a contributor's photo, the contributor too. Made on the first
    request for its policy, then served like a variant."""
    policy = permissions.details_policy(user=None, album=link.album, link=link, photo=photo)
    try:
        return photo_services.shared_original_ensure(photo=photo, policy=policy).file
    except MetadataError:
        # Never hand out bytes we could not clean.
        logger.warning("Could not strip metadata of photo %s", photo.public_id)
        raise Http404("No such file.") from None
    except FileNotFoundError:
        logger.error("Stored original missing for photo %s", photo.public_id)
        raise Http404("No such file.") from None


def _redirects(storage) -> bool:
    """Object storage answers viewers itself; the local folder is streamed by us or nginx."""
    return settings.PIKOSHI_MEDIA_REDIRECT or hasattr(storage, "bucket_name")


def _presigned_redirect(field, *, content_type: str, disposition: str, remaining: int):
    """302 to a URL the bucket honours for a few minutes, with our type and disposition.

    The redirect itself may be cached by the browser only while the URL it names still
    works, so the same <img> does not come back to us on every paint.
    """
    storage = field.storage
    if not hasattr(storage, "bucket_name"):
        url = storage.url(field.name)
        cache = f"private, max-age={remaining}"
    else:
        expire = max(1, min(settings.PIKOSHI_S3_URL_MAX_AGE, 600))
        max_age = max(0, min(remaining, expire - 60))
        url = storage.url(
            field.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": f"private, max-age={max_age}",
            },
            expire=expire,
        )
        cache = f"private, max-age={max_age}"
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = cache
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def media_view(request: HttpRequest, token: str) -> HttpResponseBase:
    """Serve one file after checking the token's subject may see it; 404 for anything else."""
    photo_id, variant, kind, subject_id, remaining = _read_token(token)
    link = None
    original = variant == ORIGINAL
    if kind == "u":
        photo = photo_selectors.photo_file_for_person(
            person_uuid=subject_id, public_id=photo_id, original=original
        )
    elif kind == "p":
        photo = visitor_selectors.public_photo_file(
            album_address=subject_id, public_id=photo_id, original=original
        )
    else:
        photo, link = visitor_selectors.link_photo_file(
            link_public_id=subject_id, public_id=photo_id, original=original
        )

    field: FieldFile
    if variant != ORIGINAL:
        field = photo.variant_file(variant)
    elif link is None:
        field = photo.original
    else:
        field = _shared_original(photo, link)
    if not field.name:
        raise Http404("No such file.")
    etag = _etag(photo, variant, field.name, link)
    headers = {
        "ETag": etag,
        "Cache-Control": f"private, max-age={remaining}",
        "X-Content-Type-Options": "nosniff",
    }
    response: HttpResponseBase
    if _not_modified(request, etag):
        response = HttpResponseNotModified()
        for key, value in headers.items():
            response[key] = value
        return response

    if variant == ORIGINAL:
        content_type = (
            photo.mime_type
            if photo.mime_type in SAFE_ORIGINAL_TYPES
            else "application/octet-stream"
        )
    elif variant == VIDEO:
        content_type = RENDITION_TYPE
    else:
        content_type = "image/webp"
    # Never None here: a file name is always given.
    headers["Content-Disposition"] = (
        content_disposition_header(
            variant == ORIGINAL, _file_name(photo, variant, owner=link is None)
        )
        or "inline"
    )

    accel = settings.PIKOSHI_X_ACCEL_REDIRECT
    if _redirects(field.storage):
        response = _presigned_redirect(
            field,
            content_type=content_type,
            disposition=headers.pop("Content-Disposition"),
            remaining=remaining,
        )
        headers.pop("Cache-Control")
        headers.pop("ETag")
    elif accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(field.name.lstrip("/"))
    else:
        response = _file_response(request, photo, field, content_type=content_type, etag=etag)
    for key, value in headers.items():
        response[key] = value
    return response


# --- Byte ranges (RFC 9110 §14): what lets a <video> seek ------------------------------------

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


def _byte_range(request: HttpRequest, size: int, etag: str) -> tuple[int, int] | None:
    """The single range asked for, as (first, last) byte; None for the whole file.

    Several ranges, other units and a stale If-Range get the whole file, as the RFC
    allows; a range that starts past the end raises _Unsatisfiable."""
    header = request.headers.get("Range", "").strip()
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != etag:
        return None
    match = _RANGE.match(header)
    if not match:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        length = int(last)
        if length == 0 or size == 0:
            raise _Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise _Unsatisfiable
    return start, min(end, size - 1)


class _Unsatisfiable(Exception):
    pass


def _file_response(
    request: HttpRequest, photo: Photo, field, *, content_type: str, etag: str
) -> HttpResponseBase:
    """The whole file (200), the range asked for (206), or 416 for one past its end.

    The file's size is asked of the storage only when a range is (a thumbnail's plain GET
    costs no more than before)."""
    stream = _open(photo, field)
    wanted = None
    if request.headers.get("Range"):
        try:
            size = field.storage.size(field.name)
            wanted = _byte_range(request, size, etag)
        except _Unsatisfiable:
            stream.close()
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            refused["Accept-Ranges"] = "bytes"
            return refused
        except Exception:
            stream.close()
            raise
    if wanted is None:
        whole = FileResponse(stream, content_type=content_type)
        whole["Accept-Ranges"] = "bytes"
        return whole
    start, end = wanted

    def part():
        try:
            stream.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = stream.read(min(_CHUNK, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk
        finally:
            stream.close()

    partial_content = StreamingHttpResponse(part(), status=206, content_type=content_type)
    partial_content["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial_content["Content-Length"] = str(end - start + 1)
    partial_content["Accept-Ranges"] = "bytes"
    return partial_content
