"""Reserved for one line of work; its operations are filled in with its models."""

from tortoise import migrations


class Migration(migrations.Migration):
    dependencies = [("models", "0008_web_sessions")]

    operations: list = []
