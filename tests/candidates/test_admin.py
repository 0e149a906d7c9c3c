"""Candidate and registry admin: every officer sees only their own county, city or the province."""

import pytest
from django.urls import reverse

from tests.factories import CandidateFactory, EnrolledRecordFactory, OfficerFactory, city, county

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidates():
    return {
        "xiaodian": CandidateFactory(name="小店考生", county=county("140105")),
        "yingze": CandidateFactory(name="迎泽考生", county=county("140106")),
        "pingcheng": CandidateFactory(name="平城考生", county=county("140213")),
    }


def changelist(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:candidates_candidate_changelist"))
    assert response.status_code == 200
    return response.content.decode()


def test_county_officer_sees_only_their_county(client, candidates):
    page = changelist(client, OfficerFactory(scope__level="county", scope__county=county("140105")))
    assert "小店考生" in page
    assert "迎泽考生" not in page and "平城考生" not in page


def test_county_officer_cannot_open_another_countys_candidate(client, candidates):
    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140105")))
    url = reverse("admin:candidates_candidate_change", args=[candidates["yingze"].pk])
    response = client.get(url, follow=True)
    assert "迎泽考生" not in response.content.decode()
    assert response.redirect_chain  # Django admin redirects a missing object to the index with a message
    own = client.get(reverse("admin:candidates_candidate_change", args=[candidates["xiaodian"].pk]))
    assert own.status_code == 200 and "小店考生" in own.content.decode()


def test_city_officer_sees_their_citys_counties(client, candidates):
    page = changelist(client, OfficerFactory(scope__level="city", scope__city=city("1401")))
    assert "小店考生" in page and "迎泽考生" in page
    assert "平城考生" not in page


def test_province_officer_sees_everybody(client, candidates):
    page = changelist(client, OfficerFactory(scope__level="province"))
    assert all(name in page for name in ["小店考生", "迎泽考生", "平城考生"])


def test_changelist_masks_id_numbers(client, candidates):
    page = changelist(client, OfficerFactory(scope__level="province"))
    assert candidates["xiaodian"].id_number not in page
    assert candidates["xiaodian"].masked_id_number in page


def test_enrolled_registry_is_scoped_too(client):
    EnrolledRecordFactory(name="大同在籍", county=county("140213"))
    EnrolledRecordFactory(name="太原在籍", county=county("140105"))
    client.force_login(OfficerFactory(scope__level="city", scope__city=city("1402")))
    page = client.get(reverse("admin:candidates_enrolledrecord_changelist")).content.decode()
    assert "大同在籍" in page and "太原在籍" not in page


def test_officers_only_view_candidates(client, candidates):
    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140105")))
    url = reverse("admin:candidates_candidate_change", args=[candidates["xiaodian"].pk])
    response = client.post(url, {"name": "改名"})
    assert response.status_code == 403
    candidates["xiaodian"].refresh_from_db()
    assert candidates["xiaodian"].name == "小店考生"
