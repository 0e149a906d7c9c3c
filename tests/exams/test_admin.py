import io
import re

import pytest
from pypdf import PdfReader

from exams.models import Course, Room, Venue
from records.services import add_passed_course
from tests.catalogue import course, make_catalogue, sitting
from tests.factories import CandidateFactory, OfficerFactory, county
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def venues():
    xiaodian = Venue.objects.create(code="010501", name="太原市第五中学", address="小店区", county=county("140105"))
    Room.objects.create(venue=xiaodian, number="01", capacity=30)
    datong = Venue.objects.create(code="021301", name="大同一中", address="平城区", county=county("140213"))
    return xiaodian, datong


def test_province_officer_corrects_a_course_in_admin_and_it_is_audited(client):
    make_catalogue()
    client.force_login(OfficerFactory(scope__level="province"))
    target = course("00054")
    response = client.post(f"/admin/exams/course/{target.pk}/change/", {
        "code": "00054", "name": "管理学原理（2023年版）", "exam_mode": "written", "source": "national",
    })
    assert response.status_code == 302
    assert Course.objects.get(pk=target.pk).name == "管理学原理（2023年版）"
    event = AuditEvent.objects.get(action="catalogue_update", object_id=str(target.pk))
    assert event.data["fields"] == ["name"] and event.actor_label.startswith("officer")


def test_province_officer_gets_a_message_for_a_bad_course_code(client):
    client.force_login(OfficerFactory(scope__level="province"))
    response = client.post("/admin/exams/course/add/", {
        "code": "0015", "name": "英语", "exam_mode": "written", "source": "national",
    })
    assert response.status_code == 200 and "课程代码应为5位数字" in response.content.decode()
    assert not Course.objects.exists()


def test_county_officer_reads_only_their_venues_and_cannot_change_them(client, venues):
    xiaodian, datong = venues
    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140105")))
    listing = client.get("/admin/exams/venue/").content.decode()
    assert "太原市第五中学" in listing and "大同一中" not in listing
    assert client.get(f"/admin/exams/venue/{datong.pk}/change/").status_code == 302  # not found → admin index
    assert client.post(f"/admin/exams/venue/{xiaodian.pk}/change/", {"name": "x"}).status_code == 403
    assert client.get("/admin/exams/course/").status_code == 403


def test_officer_verifies_a_printed_transcript(client):
    candidate = CandidateFactory(approved=True, major=make_catalogue(), county=county("140105"))
    add_passed_course(candidate=candidate, course=course("03708"), source="exam", score=70, sitting=sitting())
    client.force_login(candidate.user)
    text = PdfReader(io.BytesIO(client.get("/records/passed/pdf/").content)).pages[0].extract_text()
    printed = re.search(r"打印时间：(\S+ \S+)", text).group(1)
    code = re.search(r"核验码：(\S+)", text).group(1)

    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140105")))
    form = {"ticket_number": candidate.ticket_number, "printed_at": printed, "code": code.lower()}
    page = client.post("/admin/records/passedcourse/verify/", form).content.decode()
    assert "核验通过" in page and "03708" in page
    page = client.post("/admin/records/passedcourse/verify/", {**form, "code": "AAAA-BBBB-CCCC"}).content.decode()
    assert "不是本平台出具的" in page
    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140213")))
    assert "不在您的管辖范围内" in client.post("/admin/records/passedcourse/verify/", form).content.decode()
