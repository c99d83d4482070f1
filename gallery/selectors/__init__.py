"""Every read that depends on who is asking, by topic: photos, albums, sharing (what
owners see of their shares) and visitors (what link holders and the public see).

Each selector fetches through gallery/permissions.py and answers Http404 for whatever the
person may not see, so "not yours" and "does not exist" look the same.
"""

import uuid

from django.http import Http404


def uuid_or_404(value: str | uuid.UUID) -> uuid.UUID:
    """A public id from a URL or a request body; anything malformed is simply "not found"."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404("No such item.") from None
