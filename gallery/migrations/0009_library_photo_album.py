from django.db import migrations


class Migration(migrations.Migration):
    """Photos stop belonging to one album: every photo has its entries (0008)."""

    dependencies = [("gallery", "0008_library_entries")]

    operations = [migrations.RemoveField(model_name="photo", name="album")]
