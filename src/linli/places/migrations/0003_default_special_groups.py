import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "special_groups.json"


def load(apps, schema_editor):
    SpecialGroup = apps.get_model("places", "SpecialGroup")
    for position, row in enumerate(json.loads(DATA.read_text("utf-8"))):
        SpecialGroup.objects.get_or_create(
            code=row["code"],
            defaults={"name": row["name"], "visit_every_days": row["visit_every_days"], "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("places", "0002_specialgroup_area_updated_at_and_more")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
