import datetime
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from exams.models import Course, Major, PlanCourse
from records import pdf as transcript
from records.services import add_passed_course
from tests.catalogue import course, make_catalogue, sitting
from tests.factories import CandidateFactory, OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def major():
    return make_catalogue()


@pytest.fixture
def candidate(major):
    candidate = CandidateFactory(approved=True, name="王芳", major=major)
    april = sitting("202604")
    add_passed_course(candidate=candidate, course=course("03708"), source="exam", score=78, sitting=april)
    add_passed_course(candidate=candidate, course=course("00012"), source="transfer_in", score="66.5")
    return candidate


@pytest.fixture
def other(major):
    other = CandidateFactory(approved=True, name="李娜", major=major)
    add_passed_course(candidate=other, course=course("00054"), source="exemption")
    return other


def test_ledger_and_progress_of_the_signed_in_candidate(client, candidate, other):
    client.force_login(candidate.user)
    page = client.get("/records/passed/").content.decode()
    for text in ["03708", "中国近现代史纲要", "78", "202604", "考试", "00012", "66.5", "转入",
                 "已获学分 16 / 最低毕业学分 32", "03709", "00054"]:
        assert text in page, text
    assert "管理学原理" in page  # missing required, listed in progress
    assert "免考" not in page  # the other candidate's exemption never shows


def test_the_transcript_is_only_the_candidates_own(client, candidate, other):
    client.force_login(other.user)
    page = client.get(f"/records/passed/?candidate={candidate.pk}").content.decode()
    ledger = page.split("历次合格课程</h2>")[1].split("</table>")[0]
    assert "00054" in ledger and "03708" not in ledger and "李娜" in page
    pdf_text = PdfReader(io.BytesIO(client.get(f"/records/passed/pdf/?candidate={candidate.pk}").content)).pages[0].extract_text()
    assert "李娜" in pdf_text and "王芳" not in pdf_text


@pytest.mark.parametrize("path", ["/records/passed/", "/records/passed/pdf/"])
def test_staff_and_unverified_get_404_and_anonymous_sign_in(client, path, candidate):
    assert client.get(path).status_code == 302
    client.force_login(OfficerFactory())
    assert client.get(path).status_code == 404
    client.force_login(CandidateFactory().user)  # identity not approved
    assert client.get(path).status_code == 404


def test_transcript_pdf_text_fonts_and_verification_code(client, candidate):
    client.force_login(candidate.user)
    response = client.get("/records/passed/pdf/")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    for snippet in ["山西省高等教育自学考试合格成绩单", "王芳", candidate.ticket_number, "03708", "中国近现代史纲要",
                    "78", "66.5", "转入", "工商管理"]:
        assert snippet in text, snippet
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in
             (f.get_object() for f in page["/Resources"]["/Font"].values())}
    assert any("WenQuanYi" in name or "Noto" in name for name in fonts), fonts
    for font in (f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()):
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font else font["/FontDescriptor"]
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), "font not embedded"

    printed = re.search(r"打印时间：(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", text).group(1)
    code = re.search(r"核验码：([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", text).group(1)
    assert transcript.check_transcript(candidate, printed_at=printed, code=code)[0]
    assert not transcript.check_transcript(candidate, printed_at=printed, code="0000-0000-0000")[0]
    # A course passed after printing (a later second than the printed time) does not spoil the
    # printout; a changed score does.
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2), tick=False):
        add_passed_course(candidate=candidate, course=course("00054"), source="exemption")
    assert transcript.check_transcript(candidate, printed_at=printed, code=code)[0]
    candidate.passed_courses.filter(course__code="03708").update(score=88)
    assert not transcript.check_transcript(candidate, printed_at=printed, code=code)[0]


def test_passed_page_queries_do_not_grow_with_the_number_of_courses(client, candidate, major):
    client.force_login(candidate.user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/records/passed/").status_code == 200
        return len(queries)

    count()  # the first request of a session also refreshes it
    few = count()
    april = sitting("202604")
    for n in range(10):
        extra = Course.objects.create(code=f"{30000 + n}", name=f"课程{n}")
        PlanCourse.objects.create(major=major, course=extra, credits=3, sort=60 + n)
        add_passed_course(candidate=candidate, course=extra, source="exam", score=70, sitting=april)
    assert count() == few <= 7


def test_profile_offers_only_majors_accepting_candidates(client, candidate, major):
    closed = Major.objects.create(code="660203", name="会计", level="zk", institution=major.institution,
                                  min_credits=70, accepting_new=False)
    client.force_login(candidate.user)
    page = client.get("/center/profile/").content.decode()
    assert "120201K 工商管理" in page and "660203" not in page
    data = {"mobile": "13800000000", "email": "a@example.com", "occupation": candidate.occupation or "employee",
            "education_level": candidate.education_level or "senior_high", "major": closed.pk}
    response = client.post("/center/profile/", data)
    assert response.status_code == 200 and "请从列表中选择接受报名的专业" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.major == major
    data["major"] = ""
    assert client.post("/center/profile/", data).status_code == 302
    candidate.refresh_from_db()
    assert candidate.major is None


def test_the_print_stylesheet_lays_the_transcript_out_as_weasyprints_own(candidate, monkeypatch, tmp_path):
    """The transcript has a page-number margin box: zikao/print_ua.css against WeasyPrint's own."""
    from tests.zikao.test_pdf import use_weasyprints_own_stylesheet, word_boxes

    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC), tick=False):  # one print time for both
        ours = transcript.render_transcript_pdf(candidate)
        use_weasyprints_own_stylesheet(monkeypatch)
        theirs = transcript.render_transcript_pdf(candidate)
    boxes = word_boxes(ours, tmp_path)
    assert any(">66.5<" in box for box in boxes) and any(">页<" in box for box in boxes)
    assert boxes == word_boxes(theirs, tmp_path)
