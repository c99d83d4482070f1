"""Keep search engines out of everything but the front page.

Public albums are "anyone with the URL", never "anyone with a search engine": every
album, photo, link and media response says noindex, and so does every other page,
since nothing behind the front page is meant to be found by searching.
"""

INDEXABLE_PATHS = frozenset({"/"})


class NoIndexMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path not in INDEXABLE_PATHS:
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response
