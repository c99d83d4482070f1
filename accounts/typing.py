"""Types for requests that only a signed-in person reaches (types only, nothing at run time).

A view behind `login_required`, or an API view whose permission is IsAuthenticated (the
API's default), may take one of these: its `request.user` is a `User`, never anonymous.
"""

from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # narrowed: login_required let only people in


class AuthenticatedRequest(Request):
    user: User  # narrowed: IsAuthenticated let only people in
