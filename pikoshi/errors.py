"""The two kinds of error the apps raise and the site-wide layer answers.

They live here so that `pikoshi/` (the API error handler, the outage middleware) can
answer them without importing app internals: the apps subclass these, `pikoshi/` catches
the base class. The dependency rule is in docs/architecture.md.
"""


class Refused(Exception):
    """A request Pikoshi refuses on its merits: str(exc) is a sentence a person can act on.

    `status` is the HTTP status it answers (400, 413, 415, 422), `code` the stable
    machine-readable reason an app can switch on.
    """

    status: int
    code: str

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class ServiceUnavailable(Exception):
    """A service Pikoshi depends on (the media storage) is away: 503, try again later.

    Nothing was kept; `retry_after` seconds is a fair first guess for when to retry.
    """

    code = "service_unavailable"
    retry_after = 60
