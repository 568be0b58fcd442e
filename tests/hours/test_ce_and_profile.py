"""CE activities with their certificates, and the RN details that eligibility reads."""

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from certprep.extensions import db
from certprep.hours import certificates
from certprep.hours.models import CEActivity
from tests.conftest import DATA, post_form, sign_in_through_session

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (DATA / "dot.png").read_bytes()


@pytest.mark.parametrize(("data", "kind"), [
    (PDF, "application/pdf"), (PNG, "image/png"), (b"\xff\xd8\xff\xe0rest", "image/jpeg"),
    (b"MZ\x90\x00 an exe named cert.pdf", None), (b"<html>", None)])
def test_the_type_comes_from_the_content(data, kind):
    assert certificates.content_type(data) == kind


def test_size_limit_and_empty_file():
    assert "larger than 2 MB" in certificates.problem(b"%PDF-" + b"0" * certificates.MAX_BYTES)
    assert certificates.problem(b"") == "The file is empty."
    assert certificates.problem(PDF) is None


def add(client, name, data, **changes):
    return post_form(client, "/hours/ce", {
        "title": "Opioid stewardship", "provider": "ASPMN", "day": date.today().isoformat(),
        "contact_hours": "3.5", "certificate": (io.BytesIO(data), name), **changes},
        content_type="multipart/form-data")


def test_a_nurse_adds_ce_with_a_certificate_and_only_she_downloads_it(app, world, make_user):
    client = app.test_client()
    sign_in_through_session(client, world.nurse)
    assert add(client, "cert.pdf", PDF).status_code == 302
    activity = db.session.scalar(select(CEActivity))
    assert activity.certificate_type == "application/pdf" and float(activity.contact_hours) == 3.5
    download = client.get(f"/hours/ce/{activity.id}/certificate")
    assert download.data == PDF and download.mimetype == "application/pdf"
    other = app.test_client()
    sign_in_through_session(other, make_user("nurse"))
    assert other.get(f"/hours/ce/{activity.id}/certificate").status_code == 404
    page = client.get("/hours/").get_data(as_text=True)
    assert "3.5 of 30" in page  # CE counted in the panel


def test_a_disguised_file_is_refused_on_its_field(app, world):
    client = app.test_client()
    sign_in_through_session(client, world.nurse)
    page = add(client, "cert.pdf", b"MZ not a pdf").get_data(as_text=True)
    assert 'id="certificate-error"' in page and "not a PDF, PNG or JPEG" in page
    assert db.session.scalar(select(CEActivity.id)) is None
    page = add(client, "cert.pdf", PDF, contact_hours="0").get_data(as_text=True)
    assert 'id="contact_hours-error"' in page


def test_an_expired_licence_shows_on_the_panel_and_a_renewed_one_clears_it(app, world):
    client = app.test_client()
    sign_in_through_session(client, world.nurse)
    expired = (date.today() - timedelta(days=1)).isoformat()
    assert post_form(client, "/hours/profile", {
        "licence_number": "RN123", "licence_region": "Ontario", "licence_expires": expired,
        "practice_start": "2015-01-01", "full_time": "y"}).status_code == 302
    assert f"yours expired on {expired}" in client.get("/hours/").get_data(as_text=True)
    soon = (date.today() + timedelta(days=30)).isoformat()
    post_form(client, "/hours/profile", {"licence_number": "RN123", "licence_expires": soon,
                                         "practice_start": "2015-01-01", "full_time": "y"})
    page = client.get("/hours/").get_data(as_text=True)
    assert "expired" not in page and f"Your RN licence expires on {soon}" in page
