"""SharedObject.spec_version, so that TAXII's ``match[spec_version]`` can be honoured."""

import json

from django.db import migrations, models


def _spec_versions(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Rows stored before this field: our own objects are all 2.1; a posted object without
    # ``spec_version`` is 2.0 unless it is an SCO (no created/modified), as STIX 2.1 §3.1 reads.
    shared = apps.get_model("sharing", "SharedObject")
    for row in shared.objects.exclude(body__contains='"spec_version":"2.1"').iterator():
        obj = json.loads(row.body)
        version = obj.get("spec_version") or ("2.0" if {"created", "modified"} & set(obj) else "2.1")
        if version != row.spec_version:
            shared.objects.filter(pk=row.pk).update(spec_version=str(version)[:8])


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="sharedobject",
            name="spec_version",
            field=models.CharField(default="2.1", help_text="STIX 2.0 or 2.1", max_length=8),
        ),
        migrations.RunPython(_spec_versions, migrations.RunPython.noop),
    ]
