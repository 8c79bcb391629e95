import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "departments.json"


def load(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for row in json.loads(DATA.read_text("utf-8")):
        Department.objects.get_or_create(code=row["code"], defaults={"name": row["name"]})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_department_personaldataaccess_and_more")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
