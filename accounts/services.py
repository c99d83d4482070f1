from accounts.models import User


def user_setup(*, user: User) -> None:
    """Prepare a new account: every person starts with the default album "My photos"."""
    from gallery.services import album_ensure_default

    album_ensure_default(owner=user)
