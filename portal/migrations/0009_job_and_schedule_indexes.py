"""Indexes for the worker's and /health/'s look at running and failed jobs.

django_tasks_db indexes only the READY jobs (the queue's head). Housekeeping asks
for the RUNNING jobs every few seconds per worker, and /health/ counts RUNNING and
FAILED on every check: without this they read the whole table, which holds a
week of finished jobs. Both are few, so the partial index stays small. /health/
also reads the latest scheduled run.
"""

from django.db import migrations, models

CREATE = (
    "CREATE INDEX portal_job_running_failed_idx ON django_tasks_database_dbtaskresult (status) "
    "WHERE status IN ('RUNNING', 'FAILED')"
)
DROP = "DROP INDEX portal_job_running_failed_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0008_idempotent_api_requests"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        migrations.AddIndex(
            model_name="scheduledrun",
            index=models.Index(fields=["-queued_at"], name="scheduled_run_queued_idx"),
        ),
    ]
