from django.core.management.base import BaseCommand

from gallery.services.photos import placeholders_fill


class Command(BaseCommand):
    help = (
        "Give photos uploaded before placeholders existed the ThumbHash the grid shows "
        "while their thumbnail loads, read from the stored thumbnail. Run once after "
        "upgrading; safe to run again (it only fills what is missing)."
    )

    def handle(self, *args, **options):
        filled, skipped = placeholders_fill()
        self.stdout.write(
            f"Filled {filled} placeholder{'s' if filled != 1 else ''}"
            + (
                f"; {skipped} thumbnail{'s' if skipped != 1 else ''} could not be read."
                if skipped
                else "."
            )
        )
