"""Background work of the gallery, run by whatever TASKS backend is configured.

Inline by default; with TASKS_BACKEND=rq, by `manage.py rqworker --job-class
django_tasks_rq.Job default` on any machine sharing the database, Redis and storage.
"""

from django.tasks import task
from django.utils import timezone


@task()
def render_variants(photo_id: int) -> str:
    """Make the thumb, mobile and display variants of a pending photo."""
    from gallery.processing import photo_render_variants, retry_at

    outcome = photo_render_variants(photo_id=photo_id)
    if outcome == "retry":
        due = retry_at(photo_id)
        waits = render_variants.get_backend().supports_defer
        if waits and due is not None and due > timezone.now():
            render_variants.using(run_after=due).enqueue(photo_id)
        else:  # the embedded backend runs it again now; it cannot wait
            render_variants.enqueue(photo_id)
    return outcome


@task()
def render_motion(photo_id: int) -> str:
    """Make the playable motion of a Live Photo whose MOV was just paired with it."""
    from gallery.processing import photo_render_motion

    return photo_render_motion(photo_id=photo_id)
