"""Seed a throwaway database for the schemathesis run and print what the fuzzer needs.

Run by schemathesis_run.sh with the same environment as the live server:
    python -m pikoshi.tests.schemathesis_seed
"""

import io
import json
import os
import secrets

import django


def main() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pikoshi.settings")
    django.setup()

    from allauth.account.models import EmailAddress
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from accounts.services import user_setup
    from gallery.services import albums as album_services
    from gallery.services import photos as photo_services

    email = f"fuzz-{secrets.token_hex(4)}@example.com"
    user = User.objects.create_user(
        email=email, password=secrets.token_urlsafe(16), display_name="Fuzz"
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    user_setup(user=user)
    album = album_services.album_create(owner=user, title="Seeded", description="For the fuzzer")

    def jpeg(color) -> SimpleUploadedFile:
        out = io.BytesIO()
        Image.new("RGB", (48, 32), color).save(out, "JPEG", quality=80)
        return SimpleUploadedFile("seed.jpg", out.getvalue(), content_type="image/jpeg")

    photos = [
        photo_services.photo_upload(owner=user, file=jpeg(color), album=target).photo
        for color, target in (((200, 0, 0), album), ((0, 200, 0), album), ((0, 0, 200), None))
    ]
    photo_services.photo_trash(user=user, photo=photos[-1])
    default = album_services.album_ensure_default(owner=user)
    return {
        "token": str(AccessToken.for_user(user)),
        "albums": [str(album.public_id), str(default.public_id)],
        "photos": [str(photo.public_id) for photo in photos],
    }


if __name__ == "__main__":
    print(json.dumps(main()))
