from django.db import IntegrityError, transaction

from gallery.models import Album

DEFAULT_ALBUM_TITLE = "My photos"


def album_ensure_default(*, owner) -> Album:
    """Return the owner's "My photos" album, creating it the first time it is needed."""
    album = Album.objects.filter(owner=owner, is_default=True).first()
    if album is not None:
        return album
    try:
        with transaction.atomic():
            album = Album(owner=owner, title=DEFAULT_ALBUM_TITLE, is_default=True)
            album.full_clean()
            album.save()
            return album
    except IntegrityError:
        # Two requests raced to create it; the other one won.
        return Album.objects.get(owner=owner, is_default=True)
