"""allauth.headless customisation: the user payload carries the public uuid, answers keep
allauth's document (accounts.api.headless_spec), and two guards that the routes wear
(accounts.api.headless_urls)."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.headless.adapter import DefaultHeadlessAdapter
from django import forms
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)


class HeadlessAdapter(DefaultHeadlessAdapter):
    """Headless responses show `user.id`; it must be the uuid, never the sequential key."""

    def get_user_dataclass(self) -> type:
        # allauth derives the type of `id` from the primary key (an integer here); the
        # payload carries the uuid string, and the OpenAPI document is generated from this.
        id_field = dataclasses.field(
            metadata={"description": "The user's public uuid.", "example": str(uuid.uuid4())}
        )
        fields = [
            ("id", str | None, id_field)
            if f.name == "id"
            else (f.name, f.type, dataclasses.field(metadata=f.metadata))
            for f in dataclasses.fields(super().get_user_dataclass())
        ]
        return dataclasses.make_dataclass("User", fields)

    def user_as_dataclass(self, user: Any) -> Any:
        data = super().user_as_dataclass(user)
        if user.pk:
            data.id = str(user.uuid)
        return data

    def populate_response_meta(self, request: HttpRequest, meta: dict[str, Any]) -> None:
        # allauth writes `user and user.is_authenticated`, which is null when a sign-in
        # stage answers without any user; its document (and every client) wants a boolean.
        if "is_authenticated" in meta and meta["is_authenticated"] is None:
            meta["is_authenticated"] = False
        super().populate_response_meta(request, meta)


View = Callable[..., HttpResponseBase]
# The account part of a reset link's key, as the pages' URL pattern demands it. allauth's
# form strips it and refuses NUL characters; whatever it refuses it then looks up as None.
ACCOUNT_PART = re.compile(r"[0-9A-Za-z]+")


def allowed_methods(view: View) -> list[str] | None:
    """The HTTP methods a class-based view implements (as Django's Allow header names them)."""
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return None
    return [
        method.upper()
        for method in view_class.http_method_names
        if hasattr(view_class, method) or (method == "head" and hasattr(view_class, "get"))
    ]


def refuse_unknown_methods(view: View) -> View:
    """Answer a method the view does not implement with 405 before allauth reads anything.

    allauth's views parse the body, validate it and enter the sign-in stage before Django
    looks at the method, so TRACE on a stage answered 409 and PUT on a form 400 (and, on
    the phone routes, 500). OPTIONS is answered here too: allauth would validate its empty
    body as a form.
    """
    allowed = allowed_methods(view)
    if allowed is None:
        return view

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = ", ".join(allowed)
            response["Content-Length"] = "0"
            return response
        if request.method not in allowed:
            # accounts.middleware.HeadlessErrorsMiddleware writes the JSON envelope.
            return HttpResponseNotAllowed(allowed)
        return view(request, *args, **kwargs)

    return guarded


def refuse_keys_without_account(view: View) -> View:
    """A reset key whose account part (before its first "-") is not one is invalid, not a
    server error.

    allauth splits a link's key into the account part and the token and, when its form
    refuses the account part (empty, blank, a NUL character), looks up an account by None
    and raises (headless only: the pages' URL pattern demands an alphanumeric part).
    """

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        account_part, dash, _token = _key(request).partition("-")
        if (
            not account_settings.PASSWORD_RESET_BY_CODE_ENABLED
            and dash
            and not ACCOUNT_PART.fullmatch(account_part.strip())
        ):
            message = get_account_adapter().error_messages["invalid_password_reset"]
            return JsonResponse(
                {
                    "status": 400,
                    "errors": [
                        {"message": str(message), "code": "invalid_password_reset", "param": "key"}
                    ],
                },
                status=400,
            )
        return view(request, *args, **kwargs)

    return guarded


def _key(request: HttpRequest) -> str:
    """The reset key as allauth's form reads it: the header for GET, else the JSON body's
    `key` made text as a form field makes it (a number -1.5 is the key "-1.5")."""
    if request.method == "GET":
        value: Any = request.headers.get("X-Password-Reset-Key", "")
    else:
        try:
            data = json.loads(request.body.decode("utf8"))
        except (UnicodeDecodeError, ValueError):
            return ""
        value = data.get("key") if isinstance(data, dict) else None
    return forms.CharField(required=False).to_python(value) or ""
