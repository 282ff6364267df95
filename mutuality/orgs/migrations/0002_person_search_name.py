"""People get `search_name`, their name folded for accent-blind search; existing rows are
filled in."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

from mutuality.orgs.text import fold

BATCH = 2000


def fill_search_names(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("orgs", "Person")
    people = Person.objects.only("pk", "name").order_by("pk")
    batch = []
    for person in people.iterator(chunk_size=BATCH):
        person.search_name = fold(person.name)
        batch.append(person)
        if len(batch) >= BATCH:
            Person.objects.bulk_update(batch, ["search_name"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_name",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
    ]
