from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from gallery.services.photos import requeue_stuck


class Command(BaseCommand):
    help = (
        "Queue variant generation again for photos still pending after --minutes (15): "
        "their job was lost with a killed worker. Safe to run often, e.g. every 5 minutes "
        "from cron; a job that was merely slow is rendered once, the duplicate does nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, default=15.0)

    def handle(self, *args, minutes: float, **options):
        if minutes < 0:
            raise CommandError("--minutes cannot be negative.")
        count = requeue_stuck(older_than=timedelta(minutes=minutes))
        self.stdout.write(f"Queued {count} stuck photo{'s' if count != 1 else ''} again.")
