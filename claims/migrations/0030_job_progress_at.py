from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0029_job_lines")]

    operations = [
        migrations.AddField(
            model_name="ingestionjob",
            name="progress_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
