from django.db import migrations


def drop_unshared_my_photos(apps, schema_editor):
    """A "My photos" album that nobody else could see goes: the library now is what it
    was (its photos are their owner's, in no album). One that was shared, with people, an
    audience or a link, stays as an ordinary album, so nobody loses access."""
    Album = apps.get_model("gallery", "Album")
    Album.objects.filter(is_default=True, audience="private", members__isnull=True).filter(
        share_links__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("gallery", "0009_library_photo_album")]

    operations = [migrations.RunPython(drop_unshared_my_photos, migrations.RunPython.noop)]
