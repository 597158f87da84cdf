"""The admin console's schema: account limits (silence), disabled sign-in, the moderator role,
and the report assignee as a real column (it was an instance setting before)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0009_web_spaces")]

    operations = [
        ops.AddField(
            model_name="Actor",
            name="silenced_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="Actor",
            name="disabled_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="Actor",
            name="is_moderator",
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name="Report",
            name="assigned_to",
            field=fields.ForeignKeyField(
                "models.Actor",
                source_field="assigned_to_id",
                db_constraint=True,
                to_field="id",
                related_name="reports_assigned",
                null=True,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        # Assignees kept as instance settings (`report_assignee:<id>` -> the assignee's URI)
        # move into the column; the same SQL runs on SQLite and PostgreSQL.
        ops.RunSQL(
            "UPDATE reports SET assigned_to_id = (SELECT a.id FROM actors a"
            " JOIN instance_settings s ON s.value = a.uri"
            " WHERE s.key = 'report_assignee:' || reports.id)"
            " WHERE assigned_to_id IS NULL",
        ),
        ops.RunSQL("DELETE FROM instance_settings WHERE key LIKE 'report_assignee:%'"),
    ]
