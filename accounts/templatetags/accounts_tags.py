import re

from django import template

register = template.Library()


@register.simple_tag
def storage_usage(user):
    """Storage used and left, for pages other than the account's own (e.g. upload)."""
    from gallery.selectors.photos import user_storage_usage

    if user is None or not user.is_authenticated:
        return None
    return user_storage_usage(user=user)


# Names keep their capital in the middle of a heading.
PROPER_NOUNS = frozenset({"Pikoshi", "Google", "Apple", "Microsoft", "I"})
_CAPITALISED = re.compile(r"^[A-Z][a-z]+$")


@register.filter(is_safe=True)
def sentence_case(text: str) -> str:
    """allauth's Title Case headings and buttons ("Enter Email Verification Code") in the
    sentence case the rest of Pikoshi speaks ("Enter email verification code"): words after
    the first lose their capital unless they are names or acronyms."""
    words = str(text).split()
    return " ".join(
        word.lower() if i and _CAPITALISED.match(word) and word not in PROPER_NOUNS else word
        for i, word in enumerate(words)
    )
