from django.core.management.base import BaseCommand

from gallery.services.uploads import uploads_purge


class Command(BaseCommand):
    help = (
        "Forget resumable uploads past their expiry (PIKOSHI_UPLOAD_HOURS) and delete their "
        "parts, and parts no upload names. Run hourly or daily from cron."
    )

    def handle(self, *args, **options):
        count = uploads_purge()
        self.stdout.write(f"Forgot {count} expired upload(s).")
