import uuid

import pytest
from django.urls import reverse

from tests.factories import CandidateFactory, OfficerFactory, county

pytestmark = pytest.mark.django_db


def lookup(client, number):
    return client.post(reverse("admin:candidates_candidate_lookup_id_number"), {"id_number": number})


def test_officer_finds_a_candidate_by_id_number_without_it_in_any_url(client):
    candidate = CandidateFactory(county=county("140105"))
    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140105")))

    listing = client.get(reverse("admin:candidates_candidate_changelist")).content.decode()
    assert "按身份证号精确查找" in listing

    response = lookup(client, candidate.id_number.lower())

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:candidates_candidate_change", args=[candidate.pk])
    assert candidate.id_number not in response["Location"]


def test_a_candidate_outside_the_scope_is_not_found(client):
    other = CandidateFactory(county=county("140106"))
    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140105")))

    response = lookup(client, other.id_number)

    assert response["Location"] == reverse("admin:candidates_candidate_changelist")
    page = client.get(response["Location"]).content.decode()
    assert "在您的管辖范围内没有找到该身份证号的记录" in page


def test_lookup_is_post_only_and_needs_a_whole_number(client):
    client.force_login(OfficerFactory(scope__level="province"))
    assert client.get(reverse("admin:candidates_candidate_lookup_id_number")).status_code == 405
    response = lookup(client, "140105")
    assert "请输入完整的18位身份证号" in client.get(response["Location"]).content.decode()


def test_transfer_officer_finds_applications_by_id_number(client):
    from tests.factories import BusinessWindowFactory, city
    from transfers.services import submit_transfer

    candidate = CandidateFactory(approved=True, county=county("140105"))
    window = BusinessWindowFactory()
    application, _ = submit_transfer(candidate=candidate, to_city=city("1402"), token=uuid.uuid4(), window_id=window.pk)
    client.force_login(OfficerFactory(scope__level="city", scope__city=city("1401")))

    response = client.post(reverse("admin:transfers_transferapplication_lookup_id_number"), {"id_number": candidate.id_number})

    assert response["Location"] == reverse("admin:transfers_transferapplication_change", args=[application.pk])
