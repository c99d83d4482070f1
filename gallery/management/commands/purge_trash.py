from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gallery.services.photos import trash_purge


class Command(BaseCommand):
    help = (
        "Delete for good, with their files, photos that have been in the trash longer than "
        "PIKOSHI_TRASH_DAYS days (or --days). Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep trash younger than this many days (default: PIKOSHI_TRASH_DAYS).",
        )

    def handle(self, *args, days=None, **options):
        days = settings.PIKOSHI_TRASH_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days cannot be negative.")
        removed = trash_purge(older_than=timedelta(days=days))
        noun = "photo" if removed == 1 else "photos"
        self.stdout.write(f"Removed {removed} {noun} that were in the trash over {days} days.")
