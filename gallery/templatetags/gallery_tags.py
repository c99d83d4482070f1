"""Template helpers for the gallery pages.

Media URLs are signed for the person viewing the page, so the tags read the user from
the request in the template context instead of trusting a variable the view passed in.
"""

from datetime import timedelta

from django import template
from django.conf import settings
from django.utils import dateformat, timezone

from gallery import media, permissions
from gallery.filesizes import format_duration, format_size
from gallery.imaging.variants import VARIANT_SIZES

register = template.Library()

# Nominal widths of the variants (their boxes), used when a photo's stored size is not known yet.
NOMINAL_WIDTHS = {name: width for name, (width, _height) in VARIANT_SIZES.items()}


@register.simple_tag(takes_context=True)
def media_url(context, photo, variant):
    """{% media_url photo "thumb" %}: a signed URL for this viewer."""
    return media.media_url(photo=photo, variant=variant, user=context["request"].user)


@register.simple_tag(takes_context=True)
def photo_urls(context, photo):
    """{% photo_urls photo as urls %}: every URL this viewer may use for the photo."""
    return media.media_urls(photo=photo, user=context["request"].user)


@register.simple_tag
def srcset(photo, urls, *variants, square=False):
    """{% srcset photo urls "thumb" "mobile" %} -> "url 300w, url 480w".

    With square=True the descriptor is the variant's shorter side: a square tile with
    object-fit: cover shows that many source pixels across its width, so the browser's
    choice of file stays honest for portrait and landscape photos alike.
    """
    parts = []
    for name in variants:
        url = urls.get(name)
        if not url:
            continue
        width = getattr(photo, f"{name}_width", 0) or NOMINAL_WIDTHS[name]
        if square:
            width = min(width, getattr(photo, f"{name}_height", 0) or width)
        parts.append(f"{url} {width}w")
    return ", ".join(parts)


@register.filter
def duration(milliseconds) -> str:
    """A video's length as a player shows it: 0:07, 12:34, 1:02:03."""
    return format_duration(int(milliseconds) / 1000) if milliseconds else ""


@register.filter
def aspect(photo) -> str:
    """Width over height of the photo as its variants show it (rotation applied), for the
    justified grid; "1" when not known yet."""
    width = photo.thumb_width or photo.width
    height = photo.thumb_height or photo.height
    if not width or not height:
        return "1"
    return f"{width / height:.4f}"


@register.filter
def photo_alt(photo):
    """Alt text: the title when there is one, else when it was taken."""
    if photo.title:
        return photo.title
    taken = photo.taken_at
    if timezone.is_aware(taken):
        taken = timezone.localtime(taken)
    return f"Photo taken {dateformat.format(taken, 'j F Y')}"


@register.filter
def days_left(photo):
    """Whole days before a trashed photo is deleted for good (0 = today)."""
    if photo.deleted_at is None:
        return None
    ends = photo.deleted_at + timedelta(days=settings.PIKOSHI_TRASH_DAYS)
    remaining = ends - timezone.now()
    return max(0, remaining.days + (1 if remaining.seconds else 0))


@register.filter
def filesize(num_bytes):
    """1536 -> "1.5 KB"; decimal units like the file managers people use."""
    return format_size(num_bytes)


@register.filter
def name_for(person, viewer):
    """{{ album.owner|name_for:user }}: the name this viewer may see ("" for no name)."""
    return permissions.person_name(viewer, person)


@register.filter
def get_item(mapping, key):
    """{{ names|get_item:photo.added_by_id }}: a dict's value in a template, or ""."""
    return (mapping or {}).get(key, "")


AUDIENCE_BADGES = {"family": "Family", "friends": "Friends and family", "public": "Public"}


@register.filter
def audience_badge(album) -> str:
    """Who can see the owner's album, truthfully: its audience, the people named on it and
    its live links ("Family · 3 people · Link"); "Only me" when nobody else."""
    parts = []
    if album.audience in AUDIENCE_BADGES:
        parts.append(AUDIENCE_BADGES[album.audience])
    people = getattr(album, "people_count", 0)
    if people:
        parts.append(f"{people} person" if people == 1 else f"{people} people")
    links = getattr(album, "link_count", 0)
    if links:
        parts.append("Link" if links == 1 else f"{links} links")
    return " · ".join(parts) or "Only me"


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The bell's number: unread notifications about what the person may still see."""
    from gallery.selectors.notifications import unread_count

    request = context.get("request")
    user = getattr(request, "user", None)
    return unread_count(user=user) if user is not None and user.is_authenticated else 0
