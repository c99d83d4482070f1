"""Share-link tokens: random capabilities of which only a digest is stored."""

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits, well above the 128 a guess must beat


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 is enough here: the token is high-entropy, so no slow hash is needed."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
