"""毕业合格条件查询 / 毕业申请 pages, the 毕业生登记表 PDF read back, IDOR and officer scope in admin."""

import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from records import graduation, graduation_pdf
from records.graduation_models import GraduationApplication
from tests.factories import CandidateFactory, OfficerFactory, city, county
from tests.records.graduation_setup import (
    graduate_ready,
    make_plan,
    normalised_files,
    open_window,
    pass_courses,
    pay,
    photo_bytes,
    scan_bytes,
)

pytestmark = pytest.mark.django_db
Status = GraduationApplication.Status
POPPLER = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils are not installed")


@pytest.fixture(autouse=True)
def _runtime(private_storage):
    return private_storage


@pytest.fixture
def window():
    return open_window()


@pytest.fixture
def candidate():
    return graduate_ready()


def applied(candidate, *, paid=True):
    photo, scan = normalised_files()
    application, order = graduation.submit_graduation(candidate=candidate, photo=photo, scan=scan)
    if paid:
        pay(order)
        application.refresh_from_db()
    return application


# --------------------------------------------------------------------------- conditions page


def test_conditions_page_shows_each_course_and_exactly_what_is_missing(client):
    candidate = CandidateFactory(approved=True, major=make_plan())
    pass_courses(candidate, ["00101", "00201", "00202", "00409", "00501"])
    client.force_login(candidate.user)
    page = client.get("/records/graduation/").content.decode()
    assert "您尚不符合毕业条件，还缺少" in page
    assert "必考课程 00102 必考乙 尚未合格" in page and "实践性环节 07999 毕业考核 尚未合格" in page
    assert "由 00409 顶替" in page and "已顶替" in page
    assert "选考课程：任选一门（须合格 1 门，已满足）" in page
    assert "已获学分 / 最低毕业学分：<strong>15 / 21</strong>" in page
    assert "去申请毕业" not in page


def test_conditions_page_of_a_candidate_who_may_graduate_links_to_the_application(client, candidate, window):
    client.force_login(candidate.user)
    page = client.get("/records/graduation/").content.decode()
    assert "您已符合毕业条件" in page and 'href="/records/graduation/apply/"' in page


@pytest.mark.parametrize("path", ["/records/graduation/", "/records/graduation/apply/"])
def test_staff_get_404_and_anonymous_sign_in(client, path):
    assert client.get(path).status_code == 302
    client.force_login(OfficerFactory())
    assert client.get(path).status_code == 404


def test_the_centre_links_the_conditions_and_the_open_window(client, candidate, window):
    client.force_login(candidate.user)
    page = client.get("/center/").content.decode()
    assert 'href="/records/graduation/"' in page and "毕业合格条件查询" in page
    assert 'href="/records/graduation/apply/"' in page


# --------------------------------------------------------------------------- applying


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_apply_through_the_page_leads_to_the_order(client, candidate, window):
    client.force_login(candidate.user)
    page = client.get("/records/graduation/apply/").content.decode()
    assert "提交申请并缴费" in page and candidate.masked_id_number in page and candidate.id_number not in page
    response = client.post(
        "/records/graduation/apply/",
        {
            "photo": upload("me.jpg", photo_bytes()),
            "conduct_scan": upload("scan.jpg", scan_bytes()),
            "confirm": "on",
        },
    )
    application = GraduationApplication.objects.get(candidate=candidate)
    order = graduation.live_order(application)
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/"
    status = client.get("/records/graduation/apply/").content.decode()
    assert "已提交，待缴费" in status and f"/orders/{order.number}/" in status and "40.00 元" in status


def test_bad_files_are_refused_on_the_form_and_nothing_is_stored(client, candidate, window, private_storage):
    client.force_login(candidate.user)
    response = client.post(
        "/records/graduation/apply/",
        {
            "photo": upload("me.jpg", b"%PDF-1.4 not a photo"),
            "conduct_scan": upload("scan.jpg", scan_bytes()),
            "confirm": "on",
        },
    )
    assert response.status_code == 200
    assert "不是照片" in response.content.decode()
    response = client.post(
        "/records/graduation/apply/",
        {
            "photo": upload("me.jpg", scan_bytes()),
            "conduct_scan": upload("scan.jpg", scan_bytes()),
            "confirm": "on",
        },
    )
    assert "毕业照片中未检测到人脸" in response.content.decode()
    assert not GraduationApplication.objects.exists() and not list(private_storage.rglob("*.jpg"))


def test_a_candidate_one_course_short_sees_the_refusal(client, window):
    candidate = CandidateFactory(approved=True, major=make_plan())
    pass_courses(candidate, ["00101", "00102", "00201", "00409", "00501"])
    client.force_login(candidate.user)
    page = client.get("/records/graduation/apply/").content.decode()
    assert "实践性环节 07999 毕业考核 尚未合格" in page and "提交申请并缴费" not in page


# --------------------------------------------------------------------------- the printout


@POPPLER
def test_the_print_stylesheet_lays_the_registration_form_out_as_weasyprints_own(
    candidate, window, monkeypatch, tmp_path,
):
    """The 毕业生登记表: a photo, tables and a page-number margin box; print_ua.css against WeasyPrint's own."""
    from tests.zikao.test_pdf import use_weasyprints_own_stylesheet, word_boxes

    application = applied(candidate)
    printed = application.submitted_at
    ours = graduation_pdf.render_registration_form(application, now=printed)
    use_weasyprints_own_stylesheet(monkeypatch)
    theirs = graduation_pdf.render_registration_form(application, now=printed)
    boxes = word_boxes(ours, tmp_path)
    assert any(application.number in box for box in boxes) and any(">页<" in box for box in boxes)
    assert boxes == word_boxes(theirs, tmp_path)


@POPPLER
def test_registration_form_pdf_text_fonts_and_photo(client, candidate, window, tmp_path):
    application = applied(candidate)
    client.force_login(candidate.user)
    response = client.get(f"/records/graduation/{application.number}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "form.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in [
        "山西省高等教育自学考试毕业生登记表",
        application.number,
        candidate.name,
        candidate.masked_id_number,
        candidate.ticket_number,
        "080901 测试专业",
        "00101",
        "必考甲",
        "00401",
        "由 00409 顶替",
        "07999",
        "已获学分 21，最低毕业学分 21",
        "已缴费，待县区初审",
        "核验码",
    ]:
        assert expected in text, expected
    assert candidate.id_number not in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line or "Noto" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in images.splitlines()[2:]]
    assert len(rows) == 1 and rows[0][2] == "image" and int(rows[0][3]) >= 300  # the photo, full resolution
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d* x 841\.\d*|Page size:\s+595\.\d* x 842", pages)  # A4


def test_the_printout_code_verifies_in_admin(client, candidate, window):
    application = applied(candidate)
    code = graduation_pdf.form_code(application, "2027-05-01 09:30:15")
    assert graduation_pdf.check_printout(application, printed_at="2027-05-01 09:30:15", code=code.lower())
    assert not graduation_pdf.check_printout(application, printed_at="2027-05-01 09:30:16", code=code)
    officer = OfficerFactory(scope__level="county", scope__county=candidate.county)
    client.force_login(officer)
    page = client.post(
        "/admin/records/graduationapplication/verify/",
        {
            "number": application.number,
            "printed_at": "2027-05-01 09:30:15",
            "code": code,
        },
    ).content.decode()
    assert "核验通过" in page


def test_unpaid_applications_print_nothing(client, candidate, window):
    application = applied(candidate, paid=False)
    client.force_login(candidate.user)
    response = client.get(f"/records/graduation/{application.number}/pdf/")
    assert response.status_code == 302 and response["Location"] == "/records/graduation/apply/"


# --------------------------------------------------------------------------- IDOR


def test_another_candidates_pdf_and_photo_are_404(client, candidate, window):
    application = applied(candidate)
    intruder = graduate_ready()
    client.force_login(intruder.user)
    for suffix in ("pdf", "photo"):
        assert client.get(f"/records/graduation/{application.number}/{suffix}/").status_code == 404
    assert client.get("/records/graduation/BY99999999/pdf/").status_code == 404
    assert client.get("/records/graduation/../photo/").status_code == 404
    client.force_login(candidate.user)
    photo = client.get(f"/records/graduation/{application.number}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content)[:2] == b"\xff\xd8"


# --------------------------------------------------------------------------- admin scope


def institution_staff():
    from candidates.models import OfficerScope
    from exams.models import Institution
    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    OfficerScope.objects.create(
        user=user, level="institution", institution=Institution.objects.get_or_create(code="10108")[0]
    )
    return user


def test_officers_see_only_their_scope_and_files_404_outside_it(client, candidate, window):
    application = applied(candidate)
    change = f"/admin/records/graduationapplication/{application.pk}/change/"
    photo = f"/admin/records/graduationapplication/{application.pk}/file/photo/"
    home = OfficerFactory(scope__level="county", scope__county=county("140105"))
    same_city = OfficerFactory(scope__level="city", scope__city=city("1401"))
    other_county = OfficerFactory(scope__level="county", scope__county=county("140106"))
    other_city = OfficerFactory(scope__level="city", scope__city=city("1402"))
    for officer, visible in [(home, True), (same_city, True), (other_county, False), (other_city, False)]:
        client.force_login(officer)
        listing = client.get("/admin/records/graduationapplication/?wb=all").content.decode()
        assert (application.number in listing) is visible, officer
        assert client.get(change).status_code == (200 if visible else 302), officer
        assert client.get(photo).status_code == (200 if visible else 404), officer
    for officer, visible in [(OfficerFactory(scope__level="province"), True), (institution_staff(), False)]:
        client.force_login(officer)
        listing = client.get("/admin/records/graduationapplication/?wb=all")
        assert (application.number in listing.content.decode()) is visible, officer
    client.force_login(other_county)
    response = client.post(f"/admin/records/graduationapplication/{application.pk}/precheck/")
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == Status.PENDING_COUNTY


def test_county_prechecks_and_province_approves_in_admin(client, candidate, window):
    application = applied(candidate)
    home = OfficerFactory(scope__level="county", scope__county=county("140105"))
    client.force_login(home)
    page = client.get(f"/admin/records/graduationapplication/{application.pk}/change/").content.decode()
    assert "初审通过" in page and "/approve/" not in page  # the county's buttons only
    confirm = client.get(f"/admin/records/graduationapplication/{application.pk}/precheck/").content.decode()
    assert application.number in confirm and candidate.name in confirm and "取消" in confirm  # without JavaScript
    client.post(f"/admin/records/graduationapplication/{application.pk}/precheck/")
    application.refresh_from_db()
    assert application.status == Status.PENDING_PROVINCE
    client.force_login(home)
    assert client.post(f"/admin/records/graduationapplication/{application.pk}/approve/").status_code == 403
    province = OfficerFactory(scope__level="province")
    client.force_login(province)
    client.post(f"/admin/records/graduationapplication/{application.pk}/approve/")
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.certificate_number
    client.force_login(candidate.user)
    page = client.get("/records/graduation/apply/").content.decode()
    assert "已批准毕业" in page and application.certificate_number in page
    assert application.graduation_date.strftime("%Y年%m月%d日") in page
