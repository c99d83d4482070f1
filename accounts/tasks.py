"""Background work for accounts. Runs inline with the default ImmediateBackend; a worker
backend (TASKS setting) moves it off the request without changing the callers."""

from django.tasks import task


@task
def export_build_task(*, export_id: int) -> None:
    from accounts.exports import export_build

    export_build(export_id=export_id)
