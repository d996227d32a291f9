# Indexes found missing by the Flanders-scale benchmark (docs/benchmarks.md).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0001_information_sessions'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='session',
            index=models.Index(fields=['ends_at'], name='session_ends_idx'),
        ),
    ]
