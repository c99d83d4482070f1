"""Background work of the gallery, run by whatever TASKS backend is configured.

Inline by default; with TASKS_BACKEND=rq, by `manage.py rqworker --job-class
django_tasks_rq.Job default` on any machine sharing the database, Redis and storage.
"""

from django.tasks import task


@task()
def render_variants(photo_id: int) -> str:
    """Make the thumb, mobile and display variants of a pending photo."""
    from gallery.processing import photo_render_variants

    outcome = photo_render_variants(photo_id=photo_id)
    if outcome == "retry":
        render_variants.enqueue(photo_id)
    return outcome
