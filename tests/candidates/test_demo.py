"""candidates.demo: every printed demo account really signs in where it is meant to."""

import pytest
from django.urls import reverse

from candidates import demo
from candidates.models import Candidate, EnrolledRecord, User

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent():
    first = demo.seed()
    counts = (User.objects.count(), Candidate.objects.count(), EnrolledRecord.objects.count())
    assert demo.seed() == first
    assert (User.objects.count(), Candidate.objects.count(), EnrolledRecord.objects.count()) == counts


def test_every_demo_candidate_signs_in(client, captcha):
    rows = demo.seed()
    candidate_rows = [row for row in rows if row[2] == demo.CANDIDATE_PASSWORD]
    assert len(candidate_rows) == 5
    for label, login, password in candidate_rows:
        response = client.post(reverse("login"), {"username": login, "password": password, **captcha()})
        assert response.status_code == 302, label
        candidate = Candidate.objects.get(user_id=client.session["_auth_user_id"])
        expected = reverse("center") if candidate.is_approved else reverse("identity")
        assert response["Location"] == expected, label
        assert client.get(expected if expected == reverse("center") else reverse("home")).status_code == 200
        client.post(reverse("logout"))


def test_every_demo_officer_signs_in_to_the_admin(client):
    rows = demo.seed()
    officer_rows = [row for row in rows if row[2] == demo.OFFICER_PASSWORD]
    assert {login for _, login, _ in officer_rows} == {"admin", "province", "taiyuan", "datong", "xiaodian"}
    for label, login, password in officer_rows:
        response = client.post(reverse("admin:login"), {"username": login, "password": password, "next": "/admin/"})
        assert response.status_code == 302 and response["Location"] == "/admin/", label
        assert client.get("/admin/").status_code == 200, label
        client.post(reverse("admin:logout"))


def test_demo_enrolled_record_can_be_activated(client, captcha):
    rows = demo.seed()
    id_number = next(login for label, login, _ in rows if label.startswith("在籍考生"))
    response = client.post(reverse("register_enrolled"), {"id_number": id_number, "name": "赵敏", **captcha()})
    assert response["Location"] == reverse("register_enrolled_password")


def test_demo_approved_candidate_has_a_message_in_the_centre(client, captcha):
    rows = demo.seed()
    login = rows[5][1]
    client.post(reverse("login"), {"username": login, "password": demo.CANDIDATE_PASSWORD, **captcha()})
    assert "身份验证已通过" in client.get(reverse("center")).content.decode()
