"""The signed-in user is read from the cache (candidates.user_cache): what an officer or the
candidate changes shows on the very next page, and nothing stale outlives a commit."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.backends import user_cache_key
from candidates.models import Candidate
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cached_user(settings):
    settings.SIGNED_IN_USER_CACHE_SECONDS = 120  # as with Redis; the embedded default keeps no copy


@pytest.fixture
def signed_in(client):
    candidate = CandidateFactory(approved=True, mobile="13800000001")
    client.force_login(candidate.user)
    return candidate


def centre(client):
    response = client.get(reverse("center"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_page_reads_the_user_from_the_cache(client, signed_in):
    centre(client)  # the page's own shared blocks are cached from here on
    cache.delete(user_cache_key(signed_in.user_id))
    with CaptureQueriesContext(connection) as first:
        centre(client)
    with CaptureQueriesContext(connection) as second:
        page = centre(client)
    assert signed_in.ticket_number in page
    assert len(second) == len(first) - 1
    assert not any('"candidates_user"' in query["sql"] for query in second.captured_queries)


def test_the_embedded_default_keeps_no_copy(client, signed_in, settings):
    settings.SIGNED_IN_USER_CACHE_SECONDS = 0
    centre(client)
    assert cache.get(user_cache_key(signed_in.user_id)) is None


def test_a_change_of_the_candidate_shows_on_the_next_page(client, signed_in):
    assert "13800000001" in centre(client)
    candidate = Candidate.objects.get(pk=signed_in.pk)
    candidate.mobile = "13900000002"
    candidate.save(update_fields=["mobile"])
    page = centre(client)
    assert "13900000002" in page and "13800000001" not in page


def test_an_identity_decision_shows_on_the_next_page(client):
    candidate = CandidateFactory()
    client.force_login(candidate.user)
    assert client.get(reverse("center"))["Location"] == reverse("identity")  # not verified yet: cached so
    candidate.identity_status = Candidate.IdentityStatus.APPROVED
    candidate.identity_approved_at = timezone.now()
    candidate.save(update_fields=["identity_status", "identity_approved_at"])
    assert candidate.name in centre(client)  # the personal centre, no longer the identity page


def test_a_deactivated_account_is_signed_out_at_once(client, signed_in):
    centre(client)
    user = signed_in.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(reverse("center"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_password_changed_elsewhere_ends_the_other_sessions(client, signed_in):
    other = Client()
    other.force_login(signed_in.user)
    centre(client)
    centre(other)
    user = signed_in.user
    user.set_password("Changed2026pass")
    user.save()
    response = other.get(reverse("center"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_copy_stored_while_the_change_commits_is_dropped_after_the_commit(
    client, signed_in, django_capture_on_commit_callbacks
):
    centre(client)
    stale = cache.get(user_cache_key(signed_in.user_id))
    assert stale is not None
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            candidate = Candidate.objects.get(pk=signed_in.pk)
            candidate.mobile = "13900000003"
            candidate.save(update_fields=["mobile"])
            # Another request read the old row before this commit and stores it now.
            cache.set(user_cache_key(signed_in.user_id), stale)
    assert cache.get(user_cache_key(signed_in.user_id)) is None
    assert "13900000003" in centre(client)
