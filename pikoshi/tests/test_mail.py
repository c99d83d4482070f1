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


QUEUED_MAILERS = {
    "default": {"BACKEND": "pikoshi.mail.QueuedEmailBackend"},
    "deliver": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
}


def _verification_email():
    message = EmailMultiAlternatives(
        "Confirm your email", "Open the link.", "Pikoshi <a@example.com>", ["b@example.com"]
    )
    message.attach_alternative("<p>Open the link.</p>", "text/html")
    return message


def test_with_a_queue_email_waits_for_a_worker(settings, mailoutbox):
    settings.MAILERS = QUEUED_MAILERS
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    default_task_backend.clear()
    assert _verification_email().send() == 1
    assert mailoutbox == []
    [queued] = default_task_backend.results
    assert queued.task.name == "deliver_email"


def test_the_worker_sends_the_queued_email_with_both_parts(settings, mailoutbox):
    settings.MAILERS = QUEUED_MAILERS
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _verification_email().send()
    [sent] = mailoutbox
    assert sent.subject == "Confirm your email"
    assert sent.to == ["b@example.com"]
    assert sent.alternatives[0].content == "<p>Open the link.</p>"


def test_settings_queue_email_when_tasks_run_on_workers(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DEBUG": "1",
        "TASKS_BACKEND": "rq",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", "from pikoshi import settings as s; print(s.MAILERS)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "pikoshi.mail.QueuedEmailBackend" in out
    assert "'deliver': {'BACKEND': 'pikoshi.mail.ConsoleEmailBackend'}" in out
