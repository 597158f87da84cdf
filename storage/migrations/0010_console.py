"""Reserved for one line of work; its operations are filled in with its models."""

from tortoise import migrations


class Migration(migrations.Migration):
    dependencies = [("models", "0009_web_spaces")]

    operations: list = []
