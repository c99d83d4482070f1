from allauth.usersessions.internal import usersessionkit
from django.core.cache import cache

# "Last seen" to the minute is all the sessions page shows.
TRACK_INTERVAL = 60


class UserSessionsMiddleware:
    """allauth's session activity tracking, at most once a minute per session.

    allauth's own middleware writes the session's row on every request; a page of
    thumbnails is dozens of media requests, so here one cache `add` decides whether this
    request is the one that records "last seen" (IP address and browser included).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        key = getattr(session, "session_key", None)
        if (
            key
            and user is not None
            and user.is_authenticated
            and cache.add(f"usersession-seen:{key}", 1, TRACK_INTERVAL)
        ):
            usersessionkit.track_activity(request, user=user, session=session)
        return self.get_response(request)
