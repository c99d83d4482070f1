from django.core.management.base import BaseCommand

from gallery.services.notifications import digest_send


class Command(BaseCommand):
    help = (
        "Email the batched 'new photos' notifications whose burst of uploads is over: at "
        "most one email per album and person an hour. Run every few minutes from cron."
    )

    def handle(self, *args, **options):
        sent = digest_send()
        self.stdout.write(f"Sent {sent} digest email(s).")
