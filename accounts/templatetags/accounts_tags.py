from django import template

register = template.Library()


@register.simple_tag
def storage_usage(user):
    """Storage used and left, for pages other than the account's own (e.g. upload)."""
    from gallery.selectors.photos import user_storage_usage

    if user is None or not user.is_authenticated:
        return None
    return user_storage_usage(user=user)
