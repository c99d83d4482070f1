"""File sizes and lengths as people read them; no Django, so imaging can use it too.

Decimal units by default, like the file managers people use. Upload limits are set and
announced in binary megabytes (50 MB = 50 × 1024 × 1024 bytes), so messages about them ask
for unit="MB", base=1024 and keep saying "50.0 MB" for the configured 50.
"""

UNITS = ("bytes", "KB", "MB", "GB")


def format_size(num_bytes: float | None, *, unit: str | None = None, base: int = 1000) -> str:
    """1536 -> "1.5 KB"; with unit="MB" always in megabytes ("0.1 MB")."""
    size = float(num_bytes or 0)
    for name in UNITS:
        if name == unit or (unit is None and (size < base or name == "GB")):
            if name == "bytes":
                return f"{int(size)} bytes"
            return f"{size:.1f} {name}"
        size /= base
    raise ValueError(f"unknown unit {unit!r}")


def format_duration(seconds: float) -> str:
    """A length as players show it: 0:07, 12:34, 1:02:03."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
