"""Faults of the second trial on the campaign and partner forms: a campaign ending on
31/12/9999, a retention of 99,999,999,999 days, a partner's phone of any 30 characters."""

import datetime as dt

import pytest
from django.utils import timezone

from relais.outreach.forms import CampaignForm, PartnerForm, _years_after

pytestmark = pytest.mark.django_db


def _form(organisation, **data):
    today = timezone.localdate()
    fields = {"name": "Canicule", "kind": "heatwave", "script": "Santé",
              "starts_on": today.isoformat(), "retention_days": "90", **data}  # fmt: skip
    return CampaignForm(fields, organisation=organisation)


def test_the_end_is_after_the_start_and_at_most_two_years_later(organisation):
    today = timezone.localdate()
    for far in ("9999-12-31", "2200-01-01"):
        form = _form(organisation, ends_on=far)
        assert not form.is_valid()
        assert form.errors["ends_on"] == [
            "Une campagne se termine au plus deux ans après son début."
        ]
    in_two_years = _years_after(today, 2)
    assert _form(organisation, ends_on=in_two_years.isoformat()).is_valid()
    late = _form(organisation, ends_on=(in_two_years + dt.timedelta(days=1)).isoformat())
    assert "ends_on" in late.errors
    # A start in year 9999 is refused on its field, and never crashes the end's check.
    form = _form(organisation, starts_on="9999-12-30", ends_on="9999-12-31")
    assert "starts_on" in form.errors


def test_retention_and_script_are_bounded(organisation):
    for days in ("99999999999", "3651", "-1"):
        form = _form(organisation, retention_days=days)
        assert "retention_days" in form.errors, days
    assert _form(organisation, retention_days="3650").is_valid()
    assert _form(organisation, retention_days="0").is_valid()
    assert "script" in _form(organisation, script="x" * 4001).errors


def test_a_partner_phone_is_a_french_number(organisation):
    data = {"name": "CCAS", "kind": "other", "email": "", "phone": "9" * 30}
    form = PartnerForm(data, organisation=organisation)
    assert "phone" in form.errors
    form = PartnerForm({**data, "phone": "0247600000"}, organisation=organisation)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "02 47 60 00 00"
