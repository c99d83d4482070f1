"""Email delivery pieces of our own."""

from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.tasks import task

# The MAILERS alias of the real provider when "default" is the queue.
DELIVERY_MAILER = "deliver"


class ConsoleEmailBackend(DjangoConsoleBackend):
    """Print each email's plain-text body decoded, for the embedded (no-setup) mode.

    Django's console backend prints the raw MIME message, where quoted-printable breaks
    long links with "=" at the line end; a newcomer must be able to open the verification
    link straight from the terminal.
    """

    def write_message(self, message):
        self.stream.write(
            f"From: {message.from_email}\nTo: {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n\n{message.body}\n{'-' * 79}\n"
        )


class QueuedEmailBackend(BaseEmailBackend):
    """Send email from a background task so a slow or failing provider never holds up a page.

    Used as MAILERS["default"] when a task queue is configured; the task sends through
    MAILERS["deliver"], the real provider. Messages are rendered before they are queued,
    so the worker needs nothing but the text. Messages with attachments go straight out.
    """

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            if message.attachments:
                sent += message.send(using=DELIVERY_MAILER)
                continue
            deliver_email.enqueue(
                {
                    "subject": message.subject,
                    "body": message.body,
                    "from_email": message.from_email,
                    "to": list(message.to),
                    "cc": list(message.cc),
                    "bcc": list(message.bcc),
                    "reply_to": list(message.reply_to),
                    "headers": dict(message.extra_headers),
                    "alternatives": [
                        [alternative.content, alternative.mimetype]
                        for alternative in getattr(message, "alternatives", [])
                    ],
                }
            )
            sent += 1
        return sent


@task()
def deliver_email(payload: dict) -> int:
    """Send one queued message through the real provider."""
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message.send(using=DELIVERY_MAILER)
