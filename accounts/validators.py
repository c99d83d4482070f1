import string

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """Ask for upper case, lower case, a digit and a symbol, naming each one missing.

    Pikoshi protects family photos; these are the rules the original service had.
    """

    RULES = (
        ("password_no_upper", "upper-case letter (A–Z)", str.isupper),
        ("password_no_lower", "lower-case letter (a–z)", str.islower),
        ("password_no_digit", "digit (0–9)", str.isdigit),
        ("password_no_symbol", "symbol, such as ! ? # or %", lambda c: c in string.punctuation),
    )

    def validate(self, password, user=None):
        errors = [
            ValidationError(f"Your password needs at least one {label}.", code=code)
            for code, label, test in self.RULES
            if not any(test(c) for c in password)
        ]
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return (
            "Your password needs an upper-case letter, a lower-case letter, a digit and a symbol."
        )
