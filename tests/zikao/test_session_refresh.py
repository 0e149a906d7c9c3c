"""zikao.middleware.SessionRefreshMiddleware: sessions extended at most once a minute, never created."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def test_anonymous_pages_create_no_session(client):
    for url in [reverse("home"), reverse("login"), reverse("notice_list")]:
        response = client.get(url)
        assert response.status_code == 200
        assert settings.SESSION_COOKIE_NAME not in response.cookies, url


def test_a_signed_in_page_sends_no_new_session_cookie_within_the_minute(client):
    client.force_login(CandidateFactory(approved=True).user)
    first = client.get(reverse("center"))  # the first page after signing in stamps the session
    assert settings.SESSION_COOKIE_NAME in first.cookies
    again = client.get(reverse("center"))
    assert again.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in again.cookies
