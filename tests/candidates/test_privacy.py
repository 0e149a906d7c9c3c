"""ID numbers never reach a log line or a URL; personal pages are not cached."""

import logging

import pytest
from django.urls import reverse

from candidates.models import Candidate
from tests.factories import DEFAULT_PASSWORD, EnrolledRecordFactory, make_id_number

pytestmark = pytest.mark.django_db

NEW_ID = make_id_number(county_code="140105", sequence=42)


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def log_text(caplog):
    return "\n".join(f"{record.name} {record.getMessage()}" for record in caplog.records)


def test_sign_in_and_registration_log_no_id_number(client, captcha, login_post, approved, everything_logged):
    urls = []

    def remember(response):
        urls.append(response.wsgi_request.get_full_path())
        urls.append(response.get("Location", ""))
        return response

    # Registration of a new candidate, a failed and a successful sign-in, a lock-out.
    remember(client.post(reverse("register_new"), {
        "name": "张伟", "id_number": NEW_ID, "gender": "M", "ethnicity": "汉族", "household_type": "agricultural",
        "education_level": "bachelor", "occupation": "student", "political_status": "masses",
        "mobile": "13803510001", "email": "", "city": "1401", "county": "140105",
        "password1": "Shanxi2026ok", "password2": "Shanxi2026ok", **captcha(),
    }))
    assert Candidate.objects.filter(id_number=NEW_ID).exists()
    client.post(reverse("logout"))
    remember(login_post(approved.id_number, "Wrong2026pass"))
    remember(login_post(approved.id_number))
    client.post(reverse("logout"))
    for _ in range(6):
        remember(login_post(NEW_ID, "Wrong2026pass", ip="10.7.7.7"))

    # Enrolled activation, 找回准考证号 and 忘记密码.
    record = EnrolledRecordFactory()
    remember(client.post(reverse("register_enrolled"), {"id_number": record.id_number, "name": record.name, **captcha()}))
    remember(client.post(reverse("register_enrolled_password"), {
        "mobile": "13912345678", "email": "", "password1": "Jinzhong2026", "password2": "Jinzhong2026"}))
    client.post(reverse("logout"))
    remember(client.post(reverse("ticket_number"), {"id_number": approved.id_number, "name": approved.name, **captcha()}))
    remember(client.post(reverse("password_reset"), {"id_number": approved.id_number, "name": approved.name, **captcha()}))

    assert any("AXES" in record.getMessage() for record in everything_logged.records)  # logging was on
    text = log_text(everything_logged)
    for id_number in (NEW_ID, approved.id_number, record.id_number):
        assert id_number not in text
        assert all(id_number not in url for url in urls)
    assert DEFAULT_PASSWORD not in text and "Shanxi2026ok" not in text


def test_no_url_pattern_takes_an_id_number():
    from django.urls import get_resolver

    patterns = [str(pattern.pattern) for pattern in get_resolver().url_patterns]
    assert not any("id_number" in pattern for pattern in patterns)


@pytest.mark.parametrize("url_name", [
    "login", "register_new", "register_enrolled", "password_reset", "ticket_number",
])
def test_pages_that_take_personal_data_are_not_cached(client, url_name):
    assert "no-store" in client.get(reverse(url_name))["Cache-Control"]


@pytest.mark.parametrize(("url_name", "hidden"), [
    ("register_new", {"password1", "password2", "id_number", "name", "mobile", "email"}),
    ("register_enrolled", {"id_number", "name"}),
    ("register_enrolled_password", {"password1", "password2", "mobile", "email"}),
    ("ticket_number", {"id_number", "name"}),
])
def test_forms_hide_passwords_and_identifiers_from_error_reports(client, captcha, url_name, hidden):
    if url_name == "register_enrolled_password":
        record = EnrolledRecordFactory()
        client.post(reverse("register_enrolled"), {"id_number": record.id_number, "name": record.name, **captcha()})
    response = client.post(reverse(url_name), {"password1": "x", "password2": "y"})
    assert set(response.wsgi_request.sensitive_post_parameters) == hidden


def test_login_hides_the_password_from_error_reports(client, login_post):
    response = login_post("140105", "whatever")
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"
