"""The sanitary protocol and the signed restart (issue 16 §2), the crisis switch."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.core.services import crisis_mode_change
from relais.worksites import services
from relais.worksites.models import SiteStatus, WorkSite
from relais.worksites.protocol import DEFAULT_MEASURES

from .factories import WorkSiteFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


def png(name="barrieres.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="convention.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF", "application/pdf"
    )


def complete(site, actor=None, *, skip_optional=True):
    for item in site.checklist.all():
        if skip_optional and not item.mandatory:
            continue
        upload = {"photo": png(), "document": pdf()}.get(item.evidence_kind)
        services.checklist_answer(actor=actor, item=item, done_on=TODAY, note="", upload=upload)


def test_a_new_site_copies_the_default_protocol(organisation):
    site = WorkSiteFactory(organisation=organisation)
    items = list(site.checklist.order_by("order"))
    assert len(items) == len(DEFAULT_MEASURES) == 12
    assert sum(item.mandatory for item in items) == 11
    assert items[3].evidence_kind == "document"  # the client agreement with the SPS


def test_restart_refused_while_a_mandatory_measure_is_open(organisation, member_factory):
    director, _client = member_factory(Role.DIRECTOR)
    site = WorkSiteFactory(organisation=organisation, status=SiteStatus.STOPPED)
    complete(site)
    masks = site.checklist.get(order=2)
    services.checklist_reopen(actor=director, item=masks)
    with pytest.raises(services.RestartRefused) as refused:
        services.restart_sign(actor=director, site=site)
    assert [item.pk for item in refused.value.open_items] == [masks.pk]
    assert str(refused.value).endswith(" : 1 encore ouverte.")
    site.refresh_from_db()
    assert site.status == SiteStatus.STOPPED and site.restarted_on is None
    services.checklist_answer(actor=director, item=masks, done_on=TODAY, note="", upload=png())
    # The one optional measure (cleaning of shared tools) is still open: no matter.
    services.restart_sign(actor=director, site=site, on=TODAY)
    site.refresh_from_db()
    assert (site.status, site.restarted_on, site.restart_signed_by) == (
        SiteStatus.RESTARTED,
        TODAY,
        director,
    )
    assert AuditEvent.objects.filter(action="worksite.restart_signed", actor=director).exists()


def test_a_running_site_cannot_be_signed_for_restart(organisation, member_factory):
    director, _client = member_factory(Role.DIRECTOR)
    site = WorkSiteFactory(organisation=organisation)
    with pytest.raises(services.RestartRefused):
        services.restart_sign(actor=director, site=site)


def test_evidence_is_required_and_checked(organisation):
    site = WorkSiteFactory(organisation=organisation)
    barrier = site.checklist.get(order=1)  # photo
    agreement = site.checklist.get(order=4)  # document
    with pytest.raises(ValidationError) as missing:
        services.checklist_answer(actor=None, item=barrier, done_on=TODAY, note="", upload=None)
    assert "evidence" in missing.value.message_dict
    fake = SimpleUploadedFile("photo.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.checklist_answer(actor=None, item=barrier, done_on=TODAY, note="", upload=fake)
    with pytest.raises(ValidationError) as not_pdf:
        services.checklist_answer(actor=None, item=agreement, done_on=TODAY, note="", upload=png())
    assert "PDF" in " ".join(not_pdf.value.message_dict["evidence"])
    barrier.refresh_from_db()
    assert barrier.done_on is None and not barrier.evidence_file
    done = services.checklist_answer(actor=None, item=barrier, done_on=TODAY, note="", upload=png())
    assert done.evidence_file.name.endswith(".jpg") and done.evidence_name == "barrieres.jpg"
    with pytest.raises(ValidationError) as future:
        services.checklist_answer(
            actor=None, item=agreement, done_on=dt.date(2099, 1, 1), note="", upload=pdf()
        )
    assert "done_on" in future.value.message_dict


def test_the_crisis_switch_stops_running_sites_and_opens_their_restart(organisation):
    running = WorkSiteFactory(organisation=organisation)
    restarted = WorkSiteFactory(organisation=organisation, status=SiteStatus.RESTARTED)
    not_started = WorkSiteFactory(organisation=organisation, status=SiteStatus.PREPARING)
    other = WorkSiteFactory()  # another landlord's site is not touched
    crisis_mode_change(
        organisation=organisation, actor=None, mode="crisis", switches={"worksites_stopped": True}
    )
    statuses = dict(WorkSite.objects.values_list("pk", "status"))
    assert statuses[running.pk] == statuses[restarted.pk] == SiteStatus.STOPPED
    assert statuses[not_started.pk] == SiteStatus.PREPARING
    assert statuses[other.pk] == SiteStatus.RUNNING
    running.refresh_from_db()
    assert running.stopped_on is not None
    assert AuditEvent.objects.get(action="worksite.stopped_by_switch").changes == {"count": 2}
    crisis_mode_change(
        organisation=organisation, actor=None, mode="restart", switches={"worksites_stopped": False}
    )
    running.refresh_from_db()
    assert running.status == SiteStatus.PREPARING_RESTART


def test_the_crisis_page_says_what_the_switch_does(owner_client):
    page = owner_client.get(reverse("core:crisis")).content.decode()
    assert "chantiers en cours s’arrêtent" in page or "construction sites stop" in page


def test_pages_sign_and_refuse(organisation, member_factory):
    _director, director_client = member_factory(Role.DIRECTOR)
    _tech, tech_client = member_factory(Role.TECHNICIAN)
    site = WorkSiteFactory(organisation=organisation, status=SiteStatus.STOPPED)
    url = reverse("worksites:restart_sign", args=[site.pk])
    assert tech_client.post(url).status_code == 403
    response = director_client.post(url, follow=True)
    assert "11" in response.content.decode()  # open mandatory measures, counted
    site.refresh_from_db()
    assert site.status == SiteStatus.STOPPED
    detail = director_client.get(reverse("worksites:site_detail", args=[site.pk]))
    assert detail.status_code == 200
    assert site.checklist.get(order=1).text in detail.content.decode()


def test_a_stop_in_the_future_is_refused(organisation):
    site = WorkSiteFactory(organisation=organisation)
    with pytest.raises(ValidationError):
        services.site_stop(actor=None, site=site, on=dt.date(2099, 3, 1))
    site.refresh_from_db()
    assert site.status == SiteStatus.RUNNING


def test_a_restarted_site_stopped_again_checks_its_protocol_again(organisation, member_factory):
    director, _client = member_factory(Role.DIRECTOR)
    site = WorkSiteFactory(organisation=organisation, status=SiteStatus.STOPPED)
    complete(site)
    services.restart_sign(actor=director, site=site, on=TODAY)
    services.restart_sign(actor=director, site=site, on=TODAY)  # a double click: once
    assert AuditEvent.objects.filter(action="worksite.restart_signed").count() == 1
    crisis_mode_change(
        organisation=organisation, actor=None, mode="crisis", switches={"worksites_stopped": True}
    )
    site.refresh_from_db()
    assert (site.status, site.restarted_on, site.restart_signed_by) == (
        SiteStatus.STOPPED,
        None,
        None,
    )
    assert not site.checklist.filter(done_on__isnull=False).exists()
    assert site.checklist.filter(evidence_file="").count() < site.checklist.count()  # kept


def test_a_site_starts_and_completes(organisation):
    site = WorkSiteFactory(organisation=organisation, status=SiteStatus.PREPARING)
    services.site_start(actor=None, site=site, on=TODAY)
    site.refresh_from_db()
    assert (site.status, site.actual_start) == (SiteStatus.RUNNING, TODAY)
    with pytest.raises(services.RestartRefused):
        services.site_start(actor=None, site=site, on=TODAY)
    services.site_complete(actor=None, site=site, on=TODAY)
    site.refresh_from_db()
    assert (site.status, site.actual_end) == (SiteStatus.COMPLETED, TODAY)


def test_the_refusal_counts_its_open_measures_in_the_plural(organisation, member_factory):
    director, _client = member_factory(Role.DIRECTOR)
    site = WorkSiteFactory(organisation=organisation, status=SiteStatus.STOPPED)
    with pytest.raises(services.RestartRefused) as refused:
        services.restart_sign(actor=director, site=site)
    assert str(refused.value).endswith(" : 11 encore ouvertes.")
