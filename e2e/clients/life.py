"""A mobile app's whole life with Pikoshi, through clients generated from its two documents.

`allauth_client` is generated from `/_allauth/openapi.json` (the account flows, allauth's app
client with the `X-Session-Token` header) and `pikoshi_client` from `/api/schema/` (the
JSON API, with the simplejwt access token the account flows hand out). Every request is a
function of a generated client and every answer a generated model: no casts, no ignores,
no request written by hand. e2e/test_generated_clients.py generates both packages from the
live server, runs this against it, and type-checks this file with `mypy --strict`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from allauth_client import AuthenticatedClient as AccountClient
from allauth_client import Client as AnonymousAccountClient
from allauth_client.api.account_2fa import (
    get_allauth_client_v1_account_authenticators_totp as totp_status,
)
from allauth_client.api.account_2fa import (
    post_allauth_client_v1_account_authenticators_totp as totp_activate,
)
from allauth_client.api.authentication_2fa import (
    post_allauth_client_v1_auth_2fa_authenticate as mfa_authenticate,
)
from allauth_client.api.authentication_account import (
    post_allauth_client_v1_auth_email_verify as email_verify,
)
from allauth_client.api.authentication_account import (
    post_allauth_client_v1_auth_login as login,
)
from allauth_client.api.authentication_account import (
    post_allauth_client_v1_auth_reauthenticate as reauthenticate,
)
from allauth_client.api.authentication_account import (
    post_allauth_client_v1_auth_signup as signup,
)
from allauth_client.api.authentication_current_session import (
    delete_allauth_client_v1_auth_session as session_end,
)
from allauth_client.api.authentication_current_session import (
    get_allauth_client_v1_auth_session as session_get,
)
from allauth_client.models import (
    AuthenticatedResponse,
    AuthenticationMeta,
    AuthenticationResponse,
    DeleteAllauthClientV1AuthSessionClient,
    FlowId,
    GetAllauthClientV1AccountAuthenticatorsTotpClient,
    GetAllauthClientV1AccountAuthenticatorsTotpResponse404,
    GetAllauthClientV1AuthSessionClient,
    Login,
    MFAAuthenticate,
    PostAllauthClientV1AccountAuthenticatorsTotpBody,
    PostAllauthClientV1AccountAuthenticatorsTotpClient,
    PostAllauthClientV1AccountAuthenticatorsTotpResponse200,
    PostAllauthClientV1Auth2FaAuthenticateClient,
    PostAllauthClientV1AuthEmailVerifyClient,
    PostAllauthClientV1AuthLoginClient,
    PostAllauthClientV1AuthReauthenticateClient,
    PostAllauthClientV1AuthSignupClient,
    Reauthenticate,
    SessionGoneResponse,
    Signup,
    VerifyEmail,
)
from allauth_client.types import Unset
from pikoshi_client import AuthenticatedClient as ApiClient
from pikoshi_client.api.albums import albums_create, albums_photos_list
from pikoshi_client.api.auth import auth_context, auth_logout, auth_token_refresh
from pikoshi_client.api.photos import (
    photos_list,
    photos_restore,
    photos_retrieve,
    photos_trash,
    photos_upload,
    trash_list,
)
from pikoshi_client.api.sharing import album_links_create, album_links_list, share_links_destroy
from pikoshi_client.models import (
    Album,
    AlbumCreateInputRequest,
    BearerTokenPair,
    CreatedLinkOutput,
    Error,
    LinkInputRequest,
    Photo,
    PhotoPage,
    PhotoUploadInputRequest,
    RefreshInputRequest,
    UploadOutput,
    UserContext,
)
from pikoshi_client.types import File


def expect[T](answer: object, kind: type[T]) -> T:
    """The answer as the model the step must give, or the step fails, saying what came."""
    if not isinstance(answer, kind):
        raise AssertionError(f"expected {kind.__name__}, got {answer!r}")
    return answer


def text(value: str | Unset) -> str:
    if isinstance(value, Unset):
        raise AssertionError("a field the step needs is missing from the answer")
    return value


@dataclass
class Tokens:
    """What a signed-in app keeps: the allauth session and the API's token pair."""

    session: str
    access: str
    refresh: str

    @classmethod
    def of(cls, meta: AuthenticationMeta) -> Tokens:
        return cls(
            session=text(meta.session_token),
            access=text(meta.access_token),
            refresh=text(meta.refresh_token),
        )


@dataclass
class Life:
    """What the life saw, for the test to hold against the server's own records."""

    user_id: str = ""
    timeline: list[list[UUID]] = field(default_factory=list)
    uploaded: list[UUID] = field(default_factory=list)
    album: UUID | None = None
    link_url: str = ""
    trashed: list[UUID] = field(default_factory=list)
    restored: UUID | None = None
    after_sign_out: list[str] = field(default_factory=list)


def live(
    base_url: str,
    *,
    email: str,
    password: str,
    emailed_code: Callable[[], str],
    authenticator_code: Callable[[str], str],
    images: list[bytes],
) -> Life:
    """Sign up, verify by code, sign in, add 2FA, sign in with it, and use the API; sign out."""
    life = Life()
    anonymous = AnonymousAccountClient(base_url=base_url, raise_on_unexpected_status=True)

    def account(session_token: str) -> AccountClient:
        return AccountClient(
            base_url=base_url,
            token=session_token,
            prefix="",
            auth_header_name="X-Session-Token",
            raise_on_unexpected_status=True,
        )

    # Sign up: no tokens yet, a session waiting for the emailed code.
    pending = expect(
        signup.sync(
            PostAllauthClientV1AuthSignupClient.APP,
            client=anonymous,
            body=Signup(email=email, password=password),
        ),
        AuthenticationResponse,
    )
    assert [f.id for f in pending.data.flows if f.is_pending is True] == [FlowId.VERIFY_EMAIL]
    verified = expect(
        email_verify.sync(
            PostAllauthClientV1AuthEmailVerifyClient.APP,
            client=account(text(pending.meta.session_token)),
            body=VerifyEmail(key=emailed_code()),
        ),
        AuthenticatedResponse,
    )
    life.user_id = str(verified.data.user.id)
    signed_up = Tokens.of(verified.meta)
    me = expect(auth_context.sync(client=api(base_url, signed_up.access)), UserContext)
    assert me.email == email and me.email_verified

    # Sign in with the password, then turn on an authenticator app: allauth asks for the
    # password again first (a sensitive change), as it would in the browser.
    signed_in = Tokens.of(
        expect(
            login.sync(
                PostAllauthClientV1AuthLoginClient.APP,
                client=anonymous,
                body=Login(email=email, password=password),
            ),
            AuthenticatedResponse,
        ).meta
    )
    offer = expect(
        totp_status.sync(
            GetAllauthClientV1AccountAuthenticatorsTotpClient.APP,
            client=account(signed_in.session),
        ),
        GetAllauthClientV1AccountAuthenticatorsTotpResponse404,
    )
    expect(
        reauthenticate.sync(
            PostAllauthClientV1AuthReauthenticateClient.APP,
            client=account(signed_in.session),
            body=Reauthenticate(password=password),
        ),
        AuthenticatedResponse,
    )
    expect(
        totp_activate.sync(
            PostAllauthClientV1AccountAuthenticatorsTotpClient.APP,
            client=account(signed_in.session),
            body=PostAllauthClientV1AccountAuthenticatorsTotpBody(
                code=authenticator_code(offer.meta.secret)
            ),
        ),
        PostAllauthClientV1AccountAuthenticatorsTotpResponse200,
    )
    expect(
        session_end.sync(
            DeleteAllauthClientV1AuthSessionClient.APP, client=account(signed_in.session)
        ),
        AuthenticationResponse,
    )

    # Sign in again: the password, then the authenticator's code.
    second_step = expect(
        login.sync(
            PostAllauthClientV1AuthLoginClient.APP,
            client=anonymous,
            body=Login(email=email, password=password),
        ),
        AuthenticationResponse,
    )
    assert [f.id for f in second_step.data.flows if f.is_pending is True] == [
        FlowId.MFA_AUTHENTICATE
    ]
    tokens = Tokens.of(
        expect(
            mfa_authenticate.sync(
                PostAllauthClientV1Auth2FaAuthenticateClient.APP,
                client=account(text(second_step.meta.session_token)),
                body=MFAAuthenticate(code=authenticator_code(offer.meta.secret)),
            ),
            AuthenticatedResponse,
        ).meta
    )
    client = api(base_url, tokens.access)

    # Upload, then page through the timeline by cursor.
    for number, image in enumerate(images):
        photo = expect(
            photos_upload.sync(
                client=client,
                body=PhotoUploadInputRequest(
                    file=File(
                        payload=io.BytesIO(image),
                        file_name=f"photo-{number}.jpg",
                        mime_type="image/jpeg",
                    ),
                    title=f"Photo {number}",
                ),
            ),
            UploadOutput,
        )
        assert not photo.duplicate
        life.uploaded.append(photo.id)
    cursor: str | None = None
    while True:
        page = expect(
            photos_list.sync(client=client, limit=2)
            if cursor is None
            else photos_list.sync(client=client, limit=2, cursor=cursor),
            PhotoPage,
        )
        life.timeline.append([p.id for p in page.results])
        cursor = page.next_cursor
        if cursor is None:
            break

    # An album of the first upload (its own album when uploaded), shared by a link, revoked.
    album = expect(
        albums_create.sync(client=client, body=AlbumCreateInputRequest(title="Holiday")),
        Album,
    )
    life.album = album.id
    expect(albums_photos_list.sync(album.id, client=client), PhotoPage)
    link = expect(
        album_links_create.sync(album.id, client=client, body=LinkInputRequest(label="Family")),
        CreatedLinkOutput,
    )
    life.link_url = link.url
    share_links_destroy.sync(link.id, client=client)
    links = album_links_list.sync(album.id, client=client)
    assert isinstance(links, list)
    assert all(item.id != link.id or item.revoked_at is not None for item in links)

    # Trash a photo, find it in the trash, restore it.
    gone = expect(photos_trash.sync(life.uploaded[0], client=client), Photo)
    assert gone.deleted_at is not None
    trash = expect(trash_list.sync(client=client), PhotoPage)
    life.trashed = [p.id for p in trash.results]
    back = expect(photos_restore.sync(life.uploaded[0], client=client), Photo)
    assert back.deleted_at is None
    life.restored = back.id
    expect(photos_retrieve.sync(back.id, client=client), Photo)

    # Renew the pair, as an app does when the access token nears its expiry.
    pair = expect(
        auth_token_refresh.sync(client=client, body=RefreshInputRequest(refresh=tokens.refresh)),
        BearerTokenPair,
    )
    tokens = Tokens(session=tokens.session, access=pair.access, refresh=pair.refresh)
    client = api(base_url, tokens.access)
    expect(auth_context.sync(client=client), UserContext)

    # Sign out: the tokens and the allauth session end together.
    auth_logout.sync(
        client=client,
        body=RefreshInputRequest(refresh=tokens.refresh),
        x_session_token=tokens.session,
    )
    denied = expect(auth_context.sync(client=client), Error)
    life.after_sign_out.append(f"access: {denied.code}")
    refused = expect(
        auth_token_refresh.sync(client=client, body=RefreshInputRequest(refresh=tokens.refresh)),
        Error,
    )
    life.after_sign_out.append(f"refresh: {refused.code}")
    session = session_get.sync(
        GetAllauthClientV1AuthSessionClient.APP, client=account(tokens.session)
    )
    assert isinstance(session, (SessionGoneResponse, AuthenticationResponse))
    life.after_sign_out.append(f"session: {session.status}")
    return life


def api(base_url: str, access_token: str) -> ApiClient:
    """The JSON API's client: the simplejwt access token as a bearer token."""
    return ApiClient(base_url=base_url, token=access_token, raise_on_unexpected_status=True)
