"""OpenAPI links between the API's operations: from what makes a thing to what uses it.

A client that reads links (schemathesis's stateful phase, some generators, a person reading
the docs) learns that the `id` in the answer of `POST /api/albums/` is the `{public_id}` of
`GET /api/albums/{public_id}/`, and so on. drf-spectacular has no way to say so on a view,
so one postprocessing hook adds them from the table below, by operationId.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Link:
    target: str  # operationId
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] | None = None
    description: str = ""


def _each(targets: list[str], **parameters: str) -> dict[str, Link]:
    return {target: Link(target, dict(parameters)) for target in targets}


ALBUM_OPERATIONS = [
    "albums_retrieve",
    "albums_update",
    "albums_destroy",
    "albums_photos_list",
    "album_sharing_retrieve",
    "album_sharing_update",
    "album_my_photos_sharing_retrieve",
    "album_my_photos_sharing_update",
    "album_members_list",
    "album_members_create",
    "album_links_list",
    "album_links_create",
]
PHOTO_OPERATIONS = ["photos_retrieve", "photos_update", "photos_trash", "photos_restore"]
TRASHED_PHOTO_OPERATIONS = ["photos_restore", "trash_photo_destroy"]
MEMBER_OPERATIONS = ["album_members_update", "album_members_destroy"]
SHARE_LINK_OPERATIONS = ["share_links_update", "share_links_destroy"]


def _next_page(operation_id: str) -> dict[str, Link]:
    return {
        "next_page": Link(
            operation_id,
            {"cursor": "$response.body#/next_cursor"},
            description="The next page (only while `next_cursor` is not null).",
        )
    }


# (source operationId, status) -> {link name: Link}
LINKS: dict[tuple[str, str], dict[str, Link]] = {
    ("albums_create", "201"): _each(ALBUM_OPERATIONS, public_id="$response.body#/id"),
    ("albums_retrieve", "200"): _each(ALBUM_OPERATIONS, public_id="$response.body#/id"),
    ("albums_list", "200"): _each(ALBUM_OPERATIONS, public_id="$response.body#/0/id"),
    ("albums_photos_list", "200"): {
        **_each(PHOTO_OPERATIONS, public_id="$response.body#/results/0/id"),
        "next_page": Link(
            "albums_photos_list",
            {"public_id": "$request.path.public_id", "cursor": "$response.body#/next_cursor"},
        ),
    },
    ("photos_upload", "201"): _each(PHOTO_OPERATIONS, public_id="$response.body#/id"),
    ("photos_upload", "200"): _each(PHOTO_OPERATIONS, public_id="$response.body#/id"),
    ("photos_list", "200"): {
        **_each(PHOTO_OPERATIONS, public_id="$response.body#/results/0/id"),
        **_next_page("photos_list"),
    },
    ("photos_retrieve", "200"): {
        **_each(PHOTO_OPERATIONS, public_id="$response.body#/id"),
        "album": Link("albums_retrieve", {"public_id": "$response.body#/albums/0"}),
    },
    ("photos_trash", "200"): _each(TRASHED_PHOTO_OPERATIONS, public_id="$response.body#/id"),
    ("photos_restore", "200"): _each(PHOTO_OPERATIONS, public_id="$response.body#/id"),
    ("trash_list", "200"): {
        **_each(TRASHED_PHOTO_OPERATIONS, public_id="$response.body#/results/0/id"),
        **_next_page("trash_list"),
    },
    ("album_members_create", "201"): _each(
        MEMBER_OPERATIONS,
        public_id="$request.path.public_id",
        user_uuid="$response.body#/person/id",
    ),
    ("album_members_list", "200"): _each(
        MEMBER_OPERATIONS,
        public_id="$request.path.public_id",
        user_uuid="$response.body#/0/person/id",
    ),
    ("connections_list", "200"): {
        **_each(
            ["connections_update", "connections_destroy"], user_uuid="$response.body#/0/person/id"
        ),
        "album_members_create": Link(
            "album_members_create",
            body={"user": "$response.body#/0/person/id"},
            description="Name this connection on one of your albums.",
        ),
    },
    ("album_links_create", "201"): _each(SHARE_LINK_OPERATIONS, link_id="$response.body#/id"),
    ("album_links_list", "200"): _each(SHARE_LINK_OPERATIONS, link_id="$response.body#/0/id"),
    ("share_links_update", "200"): _each(SHARE_LINK_OPERATIONS, link_id="$response.body#/id"),
    ("invitations_create", "201"): _each(
        ["invitations_destroy"], invitation_id="$response.body#/id"
    ),
    ("invitations_list", "200"): _each(
        ["invitations_destroy"], invitation_id="$response.body#/0/id"
    ),
    ("invitations_received", "200"): _each(
        ["invitations_accept", "invitations_decline"], invitation_id="$response.body#/0/id"
    ),
}


def add_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: put LINKS on the responses they start from."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for status, response in operation.get("responses", {}).items():
                links = LINKS.get((operation["operationId"], status))
                if links:
                    response["links"] = {name: _as_openapi(link) for name, link in links.items()}
    return result


def _as_openapi(link: Link) -> dict[str, Any]:
    definition: dict[str, Any] = {"operationId": link.target}
    if link.parameters:
        definition["parameters"] = dict(link.parameters)
    if link.body is not None:
        definition["requestBody"] = dict(link.body)
    if link.description:
        definition["description"] = link.description
    return definition
