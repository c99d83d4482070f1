from django.db import migrations


def photos_into_entries(apps, schema_editor):
    """Every photo stays in the album it was in, as an entry added by its owner when it
    was uploaded. Covers were never chosen by anyone (the first upload became the cover), so each album
    now shows its newest photo until its owner picks one."""
    Album = apps.get_model("gallery", "Album")
    AlbumEntry = apps.get_model("gallery", "AlbumEntry")
    Photo = apps.get_model("gallery", "Photo")
    batch = []
    for photo_id, album_id, owner_id, uploaded_at in Photo.objects.values_list(
        "pk", "album_id", "owner_id", "uploaded_at"
    ).iterator(chunk_size=2000):
        batch.append(
            AlbumEntry(
                album_id=album_id, photo_id=photo_id, added_by_id=owner_id, added_at=uploaded_at
            )
        )
        if len(batch) >= 2000:
            AlbumEntry.objects.bulk_create(batch)
            batch = []
    AlbumEntry.objects.bulk_create(batch)
    Album.objects.update(cover=None)


class Migration(migrations.Migration):
    """Its own migration (and transaction): PostgreSQL refuses to alter tables that rows
    were just written to in the same transaction, which the next migration does. Going
    back does nothing here; 0007 and 0009 cannot go back while photos exist. The "My
    photos" albums are dealt with in 0010, once photos no longer belong to one (deleting
    an album here would still take its photos with it)."""

    dependencies = [("gallery", "0007_library")]

    operations = [migrations.RunPython(photos_into_entries, migrations.RunPython.noop)]
