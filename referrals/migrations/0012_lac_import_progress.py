"""A LAC list checked and imported by a worker: its queue state and how far it got."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0011_agenda_item_position_integer"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lacimport",
            name="status",
            field=models.CharField(
                choices=[
                    ("checking", "Being checked"),
                    ("preview", "Waiting for confirmation"),
                    ("queued", "Waiting to be imported"),
                    ("importing", "Being imported"),
                    ("imported", "Imported"),
                    ("failed", "Failed"),
                ],
                default="preview",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="lacimport",
            name="row_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="lacimport",
            name="checked",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="lacimport",
            name="failure",
            field=models.CharField(
                blank=True,
                choices=[("rows", "Some rows have problems"), ("error", "Unexpected error")],
                max_length=5,
            ),
        ),
        migrations.AddField(
            model_name="lacimport",
            name="queued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="lacimport",
            name="phase",
            field=models.CharField(
                blank=True,
                choices=[
                    ("check", "Checking the rows"),
                    ("match", "Comparing with the cases we already have"),
                    ("write", "Writing the cases and arrears"),
                ],
                max_length=5,
            ),
        ),
        migrations.AddField(
            model_name="lacimport",
            name="progress_done",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="lacimport",
            name="progress_total",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="lacimport",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
