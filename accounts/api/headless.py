"""allauth.headless customisation: the user payload carries the public uuid."""

from allauth.headless.adapter import DefaultHeadlessAdapter


class HeadlessAdapter(DefaultHeadlessAdapter):
    """Headless responses show `user.id`; it must be the uuid, never the sequential key."""

    def user_as_dataclass(self, user):
        data = super().user_as_dataclass(user)
        if user.pk:
            data.id = str(user.uuid)
        return data
