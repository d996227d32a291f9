"""Agenda positions beyond 32.767 (an agenda of tens of thousands of files), and the index
the session page and its print read the agenda in order from."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0010_versions_of_plans_agenda_items_and_lac_sessions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="agendaitem",
            name="position",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="agendaitem",
            index=models.Index(
                fields=["session", "position", "id"], name="agenda_session_order_idx"
            ),
        ),
    ]
