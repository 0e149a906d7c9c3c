from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

from tests.factories import OfficerFactory, city, county
from zikao.models import City, County, RegistrationPoint

pytestmark = pytest.mark.django_db


def test_reference_data_has_every_city_and_county():
    assert City.objects.count() == 11
    assert County.objects.count() == 122
    assert RegistrationPoint.objects.count() == 122
    assert County.objects.get(code="140105").full_name == "太原市小店区"
    assert County.objects.get(code="140213").city.name == "大同市"


def test_points_are_grouped_by_city_and_filtered(client):
    page = client.get(reverse("points")).content.decode()
    assert page.index("太原市") < page.index("大同市") < page.index("吕梁市")
    assert "太原市小店区招生考试办公室" in page

    filtered = client.get(reverse("points"), {"city": "1402"}).content.decode()
    assert "大同市平城区招生考试办公室" in filtered
    assert "太原市小店区招生考试办公室" not in filtered


def test_points_ignore_an_unknown_city(client):
    response = client.get(reverse("points"), {"city": "9999"})
    assert response.status_code == 200
    assert "太原市小店区招生考试办公室" in response.content.decode()


def test_healthz_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_is_down(client):
    with mock.patch("zikao.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_county_officer_edits_only_their_own_point(client):
    officer = OfficerFactory(scope__level="county", scope__county=county("140105"))
    client.force_login(officer)
    own = RegistrationPoint.objects.get(county_id="140105")
    other = RegistrationPoint.objects.get(county_id="140106")

    listing = client.get(reverse("admin:zikao_registrationpoint_changelist")).content.decode()
    assert own.name in listing and other.name not in listing
    assert client.get(reverse("admin:zikao_registrationpoint_change", args=[other.pk])).status_code == 302

    response = client.post(
        reverse("admin:zikao_registrationpoint_change", args=[own.pk]),
        {"name": own.name, "address": "太原市小店区长治路1号", "phone": "0351-1234567", "office_hours": "工作日"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.phone == "0351-1234567"


def test_city_officer_sees_the_points_of_their_city(client):
    officer = OfficerFactory(scope__level="city", scope__city=city("1402"))
    client.force_login(officer)
    listing = client.get(reverse("admin:zikao_registrationpoint_changelist")).content.decode()
    assert "大同市平城区招生考试办公室" in listing
    assert "太原市小店区招生考试办公室" not in listing


def test_points_open_on_the_signed_in_candidates_own_city(client):
    from tests.factories import CandidateFactory

    candidate = CandidateFactory(approved=True, county=county("140213"))  # 大同市平城区
    client.force_login(candidate.user)
    page = client.get(reverse("points")).content.decode()
    assert "大同市平城区招生考试办公室" in page
    assert "太原市小店区招生考试办公室" not in page
    assert '<option value="1402" selected>' in page and "已按您的报名地市显示" in page
    # Choosing 全部地市 is respected: every city, collapsed.
    everything = client.get(reverse("points"), {"city": ""}).content.decode()
    assert everything.count('<details class="points-city">') == 11


def test_anonymous_visitors_see_the_cities_collapsed(client):
    page = client.get(reverse("points")).content.decode()
    assert page.count('<details class="points-city">') == 11
    assert "<summary>太原市（" in page and "个报名点）</summary>" in page
    assert "<details class=\"points-city\" open" not in page


def test_points_can_be_searched_by_county_name(client):
    page = client.get(reverse("points"), {"q": "小店"}).content.decode()
    assert "太原市小店区招生考试办公室" in page
    assert "太原市迎泽区招生考试办公室" not in page
    assert "<details" not in page  # results shown open
    nothing = client.get(reverse("points"), {"q": "不存在的区"}).content.decode()
    assert "没有找到符合条件的报名点" in nothing
