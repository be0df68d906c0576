"""Second trial on the dashboard: the days before any campaign drawn as 0 % coverage, the
« 100 % » label cut off on the left, a « 0 » linked and the other not in the alerts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.outreach import charts
from relais.outreach.models import Campaign, RegisterEntry

from .fixtures import campaign, person

pytestmark = pytest.mark.django_db


def test_days_before_any_campaign_have_no_bar_and_say_so(organisation, member_factory):
    person(organisation)
    running = campaign(organisation, cadence=7)
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    Campaign.objects.filter(pk=running.pk).update(started_at=three_days_ago)
    RegisterEntry.objects.update(entered_at=three_days_ago)
    _user, client = member_factory("director")
    response = client.get(reverse("outreach:dashboard"))
    by_day = response.context["by_day"]
    assert [share is None for _day, share in by_day] == [True] * 24 + [False] * 4
    page = response.content.decode()
    assert page.count("<rect ") == 4  # one bar a day with a campaign, none before
    assert page.count("<td>pas de campagne</td>") == 24
    assert "pas une couverture nulle" in page


def test_the_y_axis_labels_fit_inside_the_chart():
    svg = str(charts.coverage_svg([(dt.date(2026, 11, 5), None), (dt.date(2026, 11, 6), 100)]))
    # « 100 % » ends 4 units left of the axis, right-aligned: at FONT 13 its 5 characters
    # need about 36 units, so its anchor must sit at 40 or more.
    anchors = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="end"', svg)]
    assert anchors and min(anchors[:3]) >= 40
    assert svg.count("<rect ") == 1
    # A day at 0 % with a campaign still shows a sliver, unlike a day with none.
    zero = str(charts.coverage_svg([(dt.date(2026, 11, 5), None), (dt.date(2026, 11, 6), 0)]))
    assert zero.count("<rect ") == 1 and 'height="2.0"' in zero


def test_every_alert_figure_with_a_list_is_a_link_even_at_zero(organisation, member_factory):
    _user, client = member_factory("director")
    page = client.get(reverse("outreach:dashboard")).content.decode()
    alerts = page.split('data-testid="escalations"')[1].split("</dl>")[0]
    assert alerts.count(f'href="{reverse("outreach:referrals")}?status=open">0</a>') == 2
    # The director has no list of the caretakers' visits: the figure says whose it is.
    assert 'data-testid="visits-no-list"' in alerts
    _user, caller = member_factory("outreach_caller")
    page = caller.get(reverse("outreach:dashboard")).content.decode()
    assert f'href="{reverse("outreach:visits")}">0</a>' in page
