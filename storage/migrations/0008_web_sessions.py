"""Reserved for one line of work; its operations are filled in with its models."""

from tortoise import migrations


class Migration(migrations.Migration):
    dependencies = [("models", "0007_spaces_web")]

    operations: list = []
