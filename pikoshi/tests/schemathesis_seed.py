"""Seed a throwaway database for the schemathesis run and print what the fuzzer needs.

Run by schemathesis_run.sh with the same environment as the live server:
    python -m pikoshi.tests.schemathesis_seed
"""

import io
import json
import os
import secrets

import django


def main() -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pikoshi.settings")
    django.setup()

    from allauth.account.models import EmailAddress
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from gallery.services import albums as album_services
    from gallery.services import photos as photo_services
    from gallery.services import sharing as sharing_services

    def person(name: str) -> User:
        email = f"{name.lower()}-{secrets.token_hex(4)}@example.com"
        someone = User.objects.create_user(
            email=email, password=secrets.token_urlsafe(16), display_name=name
        )
        EmailAddress.objects.create(user=someone, email=email, verified=True, primary=True)
        return someone

    user = person("Fuzz")
    # People for the stateful phase to reach members, connections and invitations with:
    # connections it may name on albums (a few, since it may also end them), and an
    # invitation waiting for it to accept or decline.
    contacts = []
    for name in ("Friend", "Cousin", "Neighbour"):
        contact = person(name)
        contacts.append(contact)
        invitation = sharing_services.invitation_create(inviter=user, email=contact.email)
        sharing_services.invitation_accept(user=contact, invitation=invitation)
    for name in ("Inviter", "Colleague"):
        sharing_services.invitation_create(inviter=person(name), email=user.email)
    album = album_services.album_create(owner=user, title="Seeded", description="For the fuzzer")
    # Named on the seeded album, so a member's update drawn from the dictionaries (album and
    # person) finds someone to change: the fuzzer's draws replace the ids a link hands on.
    for contact in contacts:
        sharing_services.album_member_add(user=user, album=album, member=contact)

    def jpeg(color: tuple[int, int, int]) -> SimpleUploadedFile:
        out = io.BytesIO()
        Image.new("RGB", (48, 32), color).save(out, "JPEG", quality=80)
        return SimpleUploadedFile("seed.jpg", out.getvalue(), content_type="image/jpeg")

    photos = [
        photo_services.photo_upload(owner=user, file=jpeg(color), album=target).photo
        for color, target in (((200, 0, 0), album), ((0, 200, 0), album), ((0, 0, 200), None))
    ]
    photo_services.photo_trash(user=user, photo=photos[-1])
    second = album_services.album_create(owner=user, title="Second")
    return {
        "token": str(AccessToken.for_user(user)),
        # One for each operation that ends things (a sign-out revokes the access token it
        # is called with), run apart from the main run so that it keeps its own.
        "tokens_to_end": [str(AccessToken.for_user(user)) for _ in range(3)],
        "albums": [str(album.public_id), str(second.public_id)],
        "photos": [str(photo.public_id) for photo in photos],
        "people": [str(contact.uuid) for contact in contacts],
    }


if __name__ == "__main__":
    print(json.dumps(main()))
