from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from gallery.filesizes import format_size
from gallery.services.upkeep import PruneReport, StoredFile, media_prune
from gallery.storage import StorageUnavailable


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _hours(hours: float) -> str:
    return f"{hours:g} hour" if hours == 1 else f"{hours:g} hours"


def _size(files: list[StoredFile]) -> str:
    return format_size(sum(f.bytes for f in files))


class Command(BaseCommand):
    help = (
        "Remove stored photo files no row names (left by uploads that never committed: "
        "rolled back, or their process killed) once older than --older-than hours (24), and "
        "report photos whose files are missing. Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=24.0,
            metavar="HOURS",
            help="Keep files younger than this many hours: an upload may still be writing "
            "them (default: 24).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would be removed."
        )

    def handle(self, *args, older_than: float, dry_run: bool, **options):
        if older_than < 0:
            raise CommandError("--older-than cannot be negative.")
        try:
            report = media_prune(older_than=timedelta(hours=older_than), dry_run=dry_run)
        except StorageUnavailable as exc:
            raise CommandError(f"{exc} Nothing was removed; try again later.") from exc
        self._summary(report, older_than, list_removed=dry_run or options["verbosity"] > 1)
        if report.failed:
            self.stderr.write(f"{_files(len(report.failed))} could not be handled:")
            for name, problem in report.failed:
                self.stderr.write(f"  {name}: {problem}")
            raise CommandError(f"{_files(len(report.failed))} could not be checked or removed.")

    def _summary(self, report: PruneReport, hours: float, *, list_removed: bool) -> None:
        write = self.stdout.write
        folders = ", ".join(f"{folder}/" for folder in report.folders)
        write(
            f"Listed {_files(report.listed)} in {folders}; {report.named} "
            f"{'is' if report.named == 1 else 'are'} named by a row."
        )
        verb = "Would remove" if report.dry_run else "Removed"
        write(
            f"{verb} {_files(len(report.removed))} no row names, older than {_hours(hours)} "
            f"({_size(report.removed)})."
        )
        if list_removed:
            for stored in report.removed:
                write(f"  {stored.name} ({format_size(stored.bytes)})")
        if report.young:
            write(
                f"Kept {_files(len(report.young))} no row names, younger than {_hours(hours)} "
                f"({_size(report.young)}): uploads that may still be in progress."
            )
        if not report.missing:
            write("Every file a photo names is stored.")
            return
        count = len(report.missing)
        write(
            f"{_files(count)} named by {'a photo is' if count == 1 else 'photos are'} missing "
            "(reported only: the rows stay):"
        )
        for missing in report.missing:
            write(f"  photo {missing.photo} {missing.field}: {missing.name}")
