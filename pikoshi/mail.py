"""Email delivery pieces of our own."""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


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
