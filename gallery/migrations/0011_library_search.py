from django.db import migrations


def search_indexes(apps, schema_editor):
    """GIN indexes for search, on PostgreSQL only (gallery.models.SEARCH_INDEXES); kept out
    of the models' state so the embedded SQLite never tries to build them."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from gallery.models import SEARCH_INDEXES

    for model_name, index in SEARCH_INDEXES.items():
        schema_editor.add_index(apps.get_model("gallery", model_name), index)


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from gallery.models import SEARCH_INDEXES

    for model_name, index in SEARCH_INDEXES.items():
        schema_editor.remove_index(apps.get_model("gallery", model_name), index)


class Migration(migrations.Migration):
    """No more default album; the search indexes come (PostgreSQL only)."""

    dependencies = [("gallery", "0010_library_my_photos")]

    operations = [
        migrations.RemoveField(model_name="album", name="is_default"),
        migrations.RunPython(search_indexes, drop_search_indexes),
    ]
