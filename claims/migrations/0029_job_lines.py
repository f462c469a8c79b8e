from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0028_reiterate")]

    operations = [
        migrations.AddField(
            model_name="ingestionjob",
            name="lines",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="ingestionjob",
            name="lines_handled",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
