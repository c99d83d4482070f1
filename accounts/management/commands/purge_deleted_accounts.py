from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.exports import exports_purge_expired
from accounts.services import users_purge_due


class Command(BaseCommand):
    help = (
        "Delete for good, with every photo and file, the accounts whose owners asked for "
        "deletion more than PIKOSHI_DELETION_GRACE_DAYS days ago, and remove expired "
        "export archives. Run it daily, e.g. from cron."
    )

    def handle(self, *args, **options):
        archives = exports_purge_expired()
        removed = users_purge_due()
        noun = "account" if removed == 1 else "accounts"
        self.stdout.write(
            f"Removed {removed} {noun} past the {settings.PIKOSHI_DELETION_GRACE_DAYS}-day "
            f"grace period and {archives} expired export archive(s)."
        )
