"""Lists, content filters, the notification policy and its requests, `notify` on follows, and
the record of announced poll endings."""

from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0004_client_graph")]

    operations = [
        ops.CreateModel(
            name='ContentFilter',
            fields=[
                ('id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('models.Actor', source_field='owner_id', db_constraint=True, to_field='id', related_name='content_filters', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=255)),
                ('context', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('action', fields.CharField(default='warn', max_length=8)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'content_filters', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FilterKeyword',
            fields=[
                ('id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('content_filter', fields.ForeignKeyField('models.ContentFilter', source_field='content_filter_id', db_constraint=True, to_field='id', related_name='keywords', on_delete=OnDelete.CASCADE)),
                ('keyword', fields.CharField(max_length=255)),
                ('whole_word', fields.BooleanField(default=True)),
            ],
            options={'table': 'filter_keywords', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FilterStatus',
            fields=[
                ('id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('content_filter', fields.ForeignKeyField('models.ContentFilter', source_field='content_filter_id', db_constraint=True, to_field='id', related_name='statuses', on_delete=OnDelete.CASCADE)),
                ('post', fields.ForeignKeyField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='filtered_by', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'filter_statuses', 'app': 'models', 'unique_together': (('content_filter', 'post'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberList',
            fields=[
                ('id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('models.Actor', source_field='owner_id', db_constraint=True, to_field='id', related_name='lists', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=255)),
                ('replies_policy', fields.CharField(default='list', max_length=16)),
                ('exclusive', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'lists', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ListAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member_list', fields.ForeignKeyField('models.MemberList', source_field='member_list_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('models.Actor', source_field='account_id', db_constraint=True, to_field='id', related_name='in_lists', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'list_accounts', 'app': 'models', 'unique_together': (('member_list', 'account'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPermission',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('recipient', fields.ForeignKeyField('models.Actor', source_field='recipient_id', db_constraint=True, to_field='id', related_name='notification_permissions', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('models.Actor', source_field='account_id', db_constraint=True, to_field='id', related_name='notification_permitted', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'notification_permissions', 'app': 'models', 'unique_together': (('recipient', 'account'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.OneToOneField('models.Actor', source_field='owner_id', db_constraint=True, to_field='id', related_name='notification_policy', on_delete=OnDelete.CASCADE)),
                ('for_not_following', fields.CharField(default='accept', max_length=8)),
                ('for_not_followers', fields.CharField(default='accept', max_length=8)),
                ('for_new_accounts', fields.CharField(default='accept', max_length=8)),
                ('for_private_mentions', fields.CharField(default='filter', max_length=8)),
                ('for_limited_accounts', fields.CharField(default='filter', max_length=8)),
            ],
            options={'table': 'notification_policies', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationRequest',
            fields=[
                ('id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('recipient', fields.ForeignKeyField('models.Actor', source_field='recipient_id', db_constraint=True, to_field='id', related_name='notification_requests', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('models.Actor', source_field='account_id', db_constraint=True, to_field='id', related_name='requested_notifications', on_delete=OnDelete.CASCADE)),
                ('last_post', fields.ForeignKeyField('models.Post', source_field='last_post_id', null=True, db_constraint=True, to_field='id', related_name='notification_requests', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notification_requests', 'app': 'models', 'unique_together': (('recipient', 'account'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PollEnding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.OneToOneField('models.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='poll_ending', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'poll_endings', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Follow',
            name='notify',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Notification',
            name='filtered',
            field=fields.BooleanField(default=False),
        ),
    ]
