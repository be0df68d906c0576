"""The day's call list kept per caller (ADR 0050): one ``CallSheet`` per caller and day with its
people in order, in place of one ``ListItem`` per person. The existing lines are carried over
(each caller's lines of a day, by position, become their sheet; lines whose follow or caller
no longer exists, which the old table's missing constraints allowed, are dropped). The
per-person state of the day lives on the follow and the day's calls, so nothing else moves.
A person's calls are indexed by ``(follow, called_at)``, which also serves the follow's key;
the people due are read in list order from the index ``follow_due_order``."""

import django.db.models.deletion
from django.db import migrations, models

import relais.outreach.models


def lines_to_sheets(apps, schema_editor):
    ListItem = apps.get_model("outreach", "ListItem")
    CallSheet = apps.get_model("outreach", "CallSheet")
    Follow = apps.get_model("outreach", "Follow")
    Membership = apps.get_model("core", "Membership")
    follows = set(Follow.objects.values_list("pk", flat=True))
    callers = set(Membership.objects.values_list("pk", flat=True))
    sheets = {}
    lines = ListItem.objects.order_by("caller_id", "day", "position", "pk").values_list(
        "organisation_id", "caller_id", "day", "follow_id"
    )
    seen = set()
    for organisation_id, caller_id, day, follow_id in lines.iterator(chunk_size=5000):
        if follow_id not in follows or caller_id not in callers or (follow_id, day) in seen:
            continue
        seen.add((follow_id, day))
        sheets.setdefault((organisation_id, caller_id, day), []).append(follow_id)
    CallSheet.objects.bulk_create(
        [
            CallSheet(organisation_id=org, caller_id=caller, day=day, follows=people)
            for (org, caller, day), people in sheets.items()
        ],
        batch_size=500,
    )


def sheets_to_lines(apps, schema_editor):
    ListItem = apps.get_model("outreach", "ListItem")
    CallSheet = apps.get_model("outreach", "CallSheet")
    Follow = apps.get_model("outreach", "Follow")
    campaigns = dict(Follow.objects.values_list("pk", "campaign_id"))
    rows = []
    for sheet in CallSheet.objects.order_by("pk").iterator(chunk_size=500):
        rows.extend(
            ListItem(
                organisation_id=sheet.organisation_id,
                follow_id=follow_id,
                campaign_id=campaigns[follow_id],
                day=sheet.day,
                caller_id=sheet.caller_id,
                position=index,
            )
            for index, follow_id in enumerate(sheet.follows, start=1)
            if follow_id in campaigns
        )
    ListItem.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_reservation_holder_role"),
        ("outreach", "0003_list_item_lighter"),
    ]

    operations = [
        migrations.CreateModel(
            name="CallSheet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("follows", relais.outreach.models.FollowIdsField(default=list)),
                (
                    "caller",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.membership",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["organisation", "day"], name="call_sheet_org_day")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("caller", "day"), name="call_sheet_once_a_day"
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="follow",
            index=models.Index(
                fields=["organisation", "state", "next_due_on", "id", "campaign", "caller"],
                name="follow_due_order",
            ),
        ),
        migrations.AddIndex(
            model_name="call",
            index=models.Index(fields=["follow", "called_at"], name="call_follow_day"),
        ),
        migrations.AlterField(
            model_name="call",
            name="follow",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="calls",
                to="outreach.follow",
            ),
        ),
        migrations.RunPython(lines_to_sheets, sheets_to_lines, elidable=False),
        migrations.DeleteModel(name="ListItem"),
    ]
