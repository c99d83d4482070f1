import io

from django.core.mail import EmailMultiAlternatives

from pikoshi.mail import ConsoleEmailBackend


def test_console_email_prints_long_links_whole():
    link = "http://127.0.0.1:8000/accounts/confirm-email/" + "MQ:1xWtAq:" + "k" * 80 + "/"
    message = EmailMultiAlternatives(
        "Confirm your email", f"Open this link:\n\n{link}\n", "a@example.com", ["b@example.com"]
    )
    message.attach_alternative(f"<a href='{link}'>Confirm</a>", "text/html")
    stream = io.StringIO()
    ConsoleEmailBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert f"\n{link}\n" in printed
    assert "Subject: Confirm your email" in printed
    assert "To: b@example.com" in printed
