# Indexes found missing by the Flanders-scale benchmark (docs/benchmarks.md).

from django.db import migrations, models


INBOX_OPEN_INDEX = migrations.AddIndex(
    model_name='referral',
    index=models.Index(models.F('receiving_team'), models.OrderBy(models.F('acknowledged_at'), nulls_first=True), models.F('submitted_at'), models.F('id'), condition=models.Q(('status__in', ['acknowledged', 'appointment', 'contact_made', 'submitted'])), name='referral_inbox_open_idx'),
)


def add_inbox_open_index(apps, schema_editor):
    if schema_editor.connection.vendor == 'postgresql':
        INBOX_OPEN_INDEX.database_forwards('referrals', schema_editor, *_states(apps))
    else:
        schema_editor.execute(
            'CREATE INDEX "referral_inbox_open_idx" ON "referrals_referral" '
            '("receiving_team_id", "acknowledged_at", "submitted_at", "id") '
            "WHERE \"status\" IN ('acknowledged', 'appointment', 'contact_made', 'submitted')"
        )


def remove_inbox_open_index(apps, schema_editor):
    schema_editor.execute('DROP INDEX IF EXISTS "referral_inbox_open_idx"')


def _states(apps):
    from django.db.migrations.state import ProjectState

    before = ProjectState.from_apps(apps)
    after = before.clone()
    INBOX_OPEN_INDEX.state_forwards('referrals', after)
    return before, after


class Migration(migrations.Migration):

    dependencies = [
        ('referrals', '0005_referral_heard_at_session'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='client',
            index=models.Index(fields=['full_name'], name='client_name_idx'),
        ),
        migrations.RemoveIndex(
            model_name='contactattempt',
            name='attempt_ocmw_idx',
        ),
        migrations.AddIndex(
            model_name='contactattempt',
            index=models.Index(fields=['ocmw', 'moment', 'channel', 'outcome', 'with_logo', 'in_envelope', 'mentions_cutoff', 'id'], name='attempt_ocmw_report_idx'),
        ),
        migrations.AddIndex(
            model_name='referral',
            index=models.Index(fields=['referring_team', '-created_at', '-id'], name='referral_sent_recent_idx'),
        ),
        # SQLite cannot write NULLS FIRST in an index (it sorts NULLs first anyway):
        # the model state gets the index as declared, the database the form it supports.
        migrations.SeparateDatabaseAndState(
            state_operations=[INBOX_OPEN_INDEX],
            database_operations=[
                migrations.RunPython(add_inbox_open_index, remove_inbox_open_index),
            ],
        ),
    ]
