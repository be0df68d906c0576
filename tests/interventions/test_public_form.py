"""The tenant's public request form (no account) and the status page (issue 8 §1)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from relais.interventions.models import InterventionRequest, RequestPhoto, RequestStatus
from relais.interventions.requests import photos as photo_rules
from relais.interventions.requests import throttle

from .conftest import image_bytes

NOT_FOUND = "Nous n’avons trouvé aucun bail en cours"


@pytest.fixture
def url(organisation):
    return reverse("interventions:public_request", kwargs={"slug": organisation.slug})


def _data(categories, **changes):
    data = {
        "lease_reference": "BAIL-0042",
        "postcode_or_phone": "37000",
        "category": categories["water_leak"].pk,
        "description": "Fuite sous l'évier de la cuisine depuis ce matin.",
        "availability": "En semaine après 16 h",
        "contact_phone": "06 12 34 56 78",
        "submission_key": "k-1",
    }
    data.update(changes)
    return data


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (47.0, 23.0, 40.0)}  # GPSInfo
    return exif


def test_tenant_reports_a_leak_with_a_photo_and_gets_a_status_page(
    client, url, lease, categories, outbox, django_capture_on_commit_callbacks
):
    photo = SimpleUploadedFile("fuite.jpg", image_bytes(exif=_gps_exif()), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**_data(categories), "photos": [photo]})
    found = InterventionRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "interventions:public_status",
        kwargs={"slug": "tours-habitat", "token": found.status_token},
    )
    assert found.household == lease.household and found.dwelling == lease.dwelling
    assert found.status == RequestStatus.NEW and found.priority == "urgent"
    assert found.tracking_number.startswith("DI-") and len(found.status_token) >= 43
    stored = RequestPhoto.objects.get(request=found)
    with stored.image.open("rb") as handle:
        reread = Image.open(io.BytesIO(handle.read()))
    assert reread.format == "JPEG"
    assert not reread.getexif()  # no maker, no GPS position
    assert [m["household"] for m in outbox] == [lease.household]
    assert found.tracking_number in outbox[0]["subject"]
    assert found.status_token in outbox[0]["body"]

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert found.tracking_number in text and "Reçue, à trier" in text
    assert "Dupont" not in text and "Colbert" not in text  # no personal data on the page


def test_phone_on_file_identifies_too(client, url, lease, categories):
    response = client.post(url, _data(categories, postcode_or_phone="06.12.34.56.78"))
    assert response.status_code == 302
    assert InterventionRequest.objects.get().lease == lease


@pytest.mark.parametrize(
    ("reference", "second"),
    [
        ("BAIL-9999", "37000"),  # wrong lease reference
        ("BAIL-0042", "37100"),  # right lease, wrong postcode
        ("BAIL-0042", "06 99 99 99 99"),  # right lease, phone not on file
    ],
)
def test_nothing_matches_says_so_without_saying_which_part(
    client, url, lease, categories, reference, second
):
    response = client.post(
        url, _data(categories, lease_reference=reference, postcode_or_phone=second)
    )
    assert response.status_code == 400
    assert NOT_FOUND in response.content.decode()
    assert not InterventionRequest.objects.exists()


def test_an_ended_lease_does_not_identify(client, url, lease, categories):
    lease.end_date = lease.start_date.replace(year=2020)
    lease.save()
    response = client.post(url, _data(categories))
    assert response.status_code == 400 and not InterventionRequest.objects.exists()


def test_failed_attempts_are_throttled_per_lease_reference(client, url, lease, categories):
    for _attempt in range(throttle.PER_LEASE.limit):
        client.post(url, _data(categories, postcode_or_phone="37999"))
    response = client.post(url, _data(categories))  # now the right postcode
    text = response.content.decode()
    assert response.status_code == 400
    assert "Trop de tentatives" in text
    assert not InterventionRequest.objects.exists()


def test_failed_attempts_are_throttled_per_address(client, url, lease, categories):
    for index in range(throttle.PER_ADDRESS.limit):
        client.post(url, _data(categories, lease_reference=f"BAIL-{index:04d}9"))
    response = client.post(url, _data(categories))
    assert "Trop de tentatives" in response.content.decode()
    assert not InterventionRequest.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_by_name(client, url, lease, categories):
    fake = SimpleUploadedFile("facture.jpg", b"%PDF-1.4 not an image", "image/jpeg")
    response = client.post(url, {**_data(categories), "photos": [fake]})
    assert response.status_code == 400
    assert "« facture.jpg » n’est pas une photo JPEG, PNG ou WebP." in response.content.decode()
    assert not InterventionRequest.objects.exists()


def test_a_gif_is_refused(client, url, lease, categories):
    gif = SimpleUploadedFile("anim.gif", image_bytes("GIF"), "image/gif")
    response = client.post(url, {**_data(categories), "photos": [gif]})
    assert response.status_code == 400 and not InterventionRequest.objects.exists()


def test_a_photo_too_large_is_refused(client, url, lease, categories, monkeypatch):
    monkeypatch.setattr(photo_rules, "MAX_BYTES", 1000)
    big = SimpleUploadedFile("grande.png", image_bytes("PNG", size=(400, 400)), "image/png")
    assert big.size > 1000
    response = client.post(url, {**_data(categories), "photos": [big]})
    assert response.status_code == 400
    assert "« grande.png » dépasse 10 Mo." in response.content.decode()
    assert not InterventionRequest.objects.exists()


def test_six_photos_are_refused(client, url, lease, categories):
    files = [
        SimpleUploadedFile(f"p{i}.png", image_bytes("PNG", size=(10, 10)), "image/png")
        for i in range(6)
    ]
    response = client.post(url, {**_data(categories), "photos": files})
    assert response.status_code == 400
    assert "5 photos au plus" in response.content.decode()


def test_a_double_submitted_form_makes_one_request(client, url, lease, categories):
    first = client.post(url, _data(categories))
    second = client.post(url, _data(categories))
    assert InterventionRequest.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_status_page_needs_the_right_token_and_organisation(
    client, lease, categories, other_organisation, url
):
    client.post(url, _data(categories))
    found = InterventionRequest.objects.get()
    wrong_token = reverse(
        "interventions:public_status", kwargs={"slug": "tours-habitat", "token": "x" * 43}
    )
    other_org = reverse(
        "interventions:public_status",
        kwargs={"slug": other_organisation.slug, "token": found.status_token},
    )
    assert client.get(wrong_token).status_code == 404
    assert client.get(other_org).status_code == 404


def test_the_form_works_without_javascript_and_offers_grouped_categories(client, url, categories):
    text = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in text
    assert '<optgroup label="Eau, chauffage et évacuations">' in text
    assert "<script" not in text.split("<main", 1)[-1].split("</main>")[0]
