"""Why a need was closed (met, or the end of the person's follow-up); the needs closed
before it were all closed as met."""

from django.db import migrations, models


def closed_were_met(apps, schema_editor):
    Need = apps.get_model("outreach", "Need")
    Need.objects.filter(closed_at__isnull=False, close_reason="").update(close_reason="met")


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0005_follow_due_order_person"),
    ]

    operations = [
        migrations.AddField(
            model_name="need",
            name="close_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("met", "Met"),
                    ("deceased", "Closed: end of the follow-up (death)"),
                    ("left", "Closed: end of the follow-up (left the register)"),
                ],
                db_default="",
                max_length=10,
                verbose_name="reason for closing",
            ),
        ),
        migrations.RunPython(closed_were_met, migrations.RunPython.noop),
    ]
