"""The water companies that sit on LACs in Flanders, so LAC lists can name them."""

from django.db import migrations

WATER_COMPANIES = [
    ("De Watergroep", "https://www.dewatergroep.be"),
    ("Farys", "https://www.farys.be"),
    ("Pidpa", "https://www.pidpa.be"),
    ("Water-link", "https://www.water-link.be"),
    ("Aquaduin", "https://www.aquaduin.be"),
    ("AGSO Knokke-Heist", "https://www.agso.be"),
]


def add(apps, schema_editor):
    Organisation = apps.get_model("partners", "Organisation")
    for name, website in WATER_COMPANIES:
        Organisation.objects.get_or_create(
            name=name, kind="water_company", defaults={"website": website}
        )


def remove(apps, schema_editor):
    Organisation = apps.get_model("partners", "Organisation")
    Organisation.objects.filter(
        kind="water_company", name__in=[name for name, _ in WATER_COMPANIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_organisation_offers_and_versions")]

    operations = [migrations.RunPython(add, remove)]
