"""准考证打印: the page, the PDF read back (text, CJK fonts, the photo), refusals, IDOR, admin."""

import re
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse

from candidates.views import QUERY_CENTRE
from exams import seats, ticket_pdf
from tests.exams.seat_fixtures import (
    AFTER_PRINT,
    BEFORE_PRINT,
    approved_headshot,
    make_sitting,
    paid,
    venue,
)
from tests.factories import CandidateFactory, OfficerFactory, UserFactory, city, county
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def seated(private_storage):
    """A candidate of 小店区 with three seated courses and a verified headshot."""
    sitting = make_sitting()
    venue("140105", "010501", 30, name="太原市第五中学校")
    candidate = CandidateFactory(approved=True, name="钱进")
    paid(candidate, sitting, "03708", "03709", "00015")
    approved_headshot(candidate)
    seats.assign_seats(sitting=sitting, actor_label="test")
    return candidate


def poppler(tool, body, tmp_path, *args):
    path = tmp_path / "ticket.pdf"
    path.write_bytes(body)
    return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                          capture_output=True, text=True, check=True).stdout


def test_the_ticket_page_lists_the_seats_with_a_download_link(client, seated):
    with time_machine.travel(AFTER_PRINT):
        client.force_login(seated.user)
        response = client.get("/exams/ticket/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "03708" in page and "中国近现代史纲要" in page and "太原市第五中学校" in page
    assert "考场号：<strong>01</strong>" in page and "2027年4月10日 上午 09:00–11:30" in page
    assert "/exams/ticket/pdf/" in page and "下载准考证（PDF）" in page
    assert seated.id_number not in page  # masked on screen


def test_the_pdf_carries_the_ticket_the_seats_the_rules_cjk_fonts_and_the_photo(client, seated, tmp_path):
    with time_machine.travel(AFTER_PRINT):
        client.force_login(seated.user)
        response = client.get("/exams/ticket/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "ticket-202704-" in response["Content-Disposition"]
    body = response.content

    text = poppler("pdftotext", body, tmp_path, "-layout")
    flat = re.sub(r"\s+", "", text)
    for expected in ["山西省高等教育自学考试准考证", seated.ticket_number, "钱进", seated.id_number,
                     "03708", "中国近现代史纲要", "03709", "00015", "英语（二）", "太原市第五中学校",
                     "考试路01号", "上午", "下午", "09:00–11:30", "14:30–17:00", "2027-04-10", "2027-04-11",
                     "考生须知", "1.考生须凭本准考证", "8.请妥善保管", "核验码", "山西省招生考试管理中心"]:
        assert expected in flat, expected
    for row in seated.ticket_seats.all():
        assert re.search(rf"{row.course.code}.*?\b01\s+{row.seat:02d}\b", text, re.S), row  # room, seat
    code = re.search(r"核验码：([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", flat).group(1)
    assert ticket_pdf.check_ticket(seated, seats.ticket_sitting(now=AFTER_PRINT), code)

    pages = poppler("pdfinfo", body, tmp_path)
    assert re.search(r"Pages:\s+1\n", pages) and "595.276 x 841.89 pts (A4)" in pages
    fonts = poppler("pdffonts", body, tmp_path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # every font embedded
    assert any("WenQuanYi" in line or "CJK" in line for line in fonts), fonts
    images = poppler("pdfimages", body, tmp_path, "-list").splitlines()[2:]
    assert len(images) == 2 and images[0].split()[2] == "image", images  # the headshot and the QR code
    photo, qr = (line.split() for line in images)
    assert photo[8] == "jpeg" and qr[3] == qr[4] and qr[9] == "no", images  # a square QR code, not interpolated


def test_without_a_verified_headshot_the_ticket_says_to_bring_the_id_card(client, tmp_path, private_storage):
    sitting = make_sitting()
    venue("140105", "010501", 30)
    candidate = CandidateFactory(approved=True, kind="enrolled")
    paid(candidate, sitting, "03708")
    seats.assign_seats(sitting=sitting)
    with time_machine.travel(AFTER_PRINT):
        client.force_login(candidate.user)
        body = client.get("/exams/ticket/pdf/").content
    assert "无核验照片" in poppler("pdftotext", body, tmp_path)
    images = poppler("pdfimages", body, tmp_path, "-list").splitlines()[2:]
    assert len(images) == 1 and images[0].split()[3] == images[0].split()[4], images  # only the (square) QR code


def test_before_the_print_date_there_is_a_message_and_no_pdf(client, seated):
    with time_machine.travel(BEFORE_PRINT):
        client.force_login(seated.user)
        page = client.get("/exams/ticket/")
        pdf = client.get("/exams/ticket/pdf/")
    assert "2027年4月考次的准考证将于2027年04月03日 08:00起开放打印，请届时再来。" in page.content.decode()
    assert "下载准考证" not in page.content.decode()
    assert pdf.status_code == 302 and pdf["Location"] == "/exams/ticket/"


@pytest.mark.parametrize("status", ["awaiting_payment", "canceled", None])
def test_without_a_paid_registration_there_is_a_message_and_no_pdf(client, status):
    sitting = make_sitting()
    candidate = CandidateFactory(approved=True)
    if status:
        paid(candidate, sitting, "03708", status=status)
    with time_machine.travel(AFTER_PRINT):
        client.force_login(candidate.user)
        page = client.get("/exams/ticket/").content.decode()
        pdf = client.get("/exams/ticket/pdf/")
    assert "您没有2027年4月考次已支付的理论课报名，没有准考证可打印。" in page
    assert pdf.status_code == 302 and pdf["Location"] == "/exams/ticket/"


def test_paid_but_not_yet_seated_says_seating_is_under_way(client):
    sitting = make_sitting()
    candidate = CandidateFactory(approved=True)
    paid(candidate, sitting, "03708")
    with time_machine.travel(AFTER_PRINT):
        client.force_login(candidate.user)
        page = client.get("/exams/ticket/").content.decode()
    assert "您的考场座位正在编排中" in page


def test_refusal_codes():
    sitting = make_sitting()
    candidate = CandidateFactory(approved=True)
    with pytest.raises(seats.SeatError) as refusal:
        seats.candidate_ticket(candidate=candidate, now=AFTER_PRINT)
    assert refusal.value.code == "not_paid"
    paid(candidate, sitting, "03708")
    for now, code in [(BEFORE_PRINT, "not_yet_printable"), (AFTER_PRINT, "not_seated")]:
        with pytest.raises(seats.SeatError) as refusal:
            seats.candidate_ticket(candidate=candidate, now=now)
        assert refusal.value.code == code
    with pytest.raises(seats.SeatError) as refusal:
        seats.candidate_ticket(candidate=candidate, now=AFTER_PRINT.replace(year=2028))
    assert refusal.value.code == "no_sitting"


def test_only_the_candidates_own_ticket_anonymous_to_sign_in_staff_nothing(client, seated):
    other = CandidateFactory(approved=True, name="王芳")
    with time_machine.travel(AFTER_PRINT):
        client.force_login(other.user)
        page = client.get("/exams/ticket/").content.decode()
        pdf = client.get("/exams/ticket/pdf/")
    assert seated.ticket_number not in page and "钱进" not in page and "没有准考证可打印" in page
    assert pdf.status_code == 302
    client.logout()
    for url in ("/exams/ticket/", "/exams/ticket/pdf/"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(OfficerFactory(scope__level="province"))
    assert client.get("/exams/ticket/pdf/").status_code == 404


def test_the_centre_links_to_the_ticket_page(client, seated):
    assert ("准考证打印", "admission_ticket", None, "") in QUERY_CENTRE
    client.force_login(seated.user)
    assert 'href="/exams/ticket/"' in client.get(reverse("center")).content.decode()


# --------------------------------------------------------------------------- admin


def test_officers_see_the_seats_of_their_scope_and_search_by_ticket_number(client, seated):
    xiaodian = OfficerFactory(scope__level="county", scope__county=county("140105"))
    client.force_login(xiaodian)
    response = client.get("/admin/exams/ticketseat/", {"q": seated.ticket_number})
    page = response.content.decode()
    assert response.status_code == 200 and page.count('<td class="field-ticket_number">') == 3 and "太原市第五中学校" in page
    assert client.get("/admin/exams/ticketseat/add/").status_code == 403

    for officer in (OfficerFactory(scope__level="county", scope__county=county("140213")),
                    OfficerFactory(scope__level="city", scope__city=city("1402"))):
        client.force_login(officer)
        assert seated.ticket_number not in client.get("/admin/exams/ticketseat/").content.decode()
    client.force_login(OfficerFactory(scope__level="city", scope__city=city("1401")))
    assert seated.ticket_number in client.get("/admin/exams/ticketseat/").content.decode()
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/exams/ticketseat/").status_code == 403


def test_an_officer_verifies_a_printed_ticket_and_a_reseated_one_no_longer_matches(client, seated):
    sitting = seats.ticket_sitting(now=AFTER_PRINT)
    code = ticket_pdf.ticket_code(seated, sitting, seats.ticket_seats(candidate=seated, sitting=sitting))
    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140105")))
    url = "/admin/exams/ticketseat/verify/"
    assert client.get(url).status_code == 200

    good = client.post(url, {"ticket_number": seated.ticket_number, "code": code.lower().replace("-", "")})
    assert "核验通过" in good.content.decode() and "中国近现代史纲要" in good.content.decode()
    bad = client.post(url, {"ticket_number": seated.ticket_number, "code": "0000-0000-0000"})
    assert "核验码与准考证号不符" in bad.content.decode()
    assert list(AuditEvent.objects.filter(action="ticket_verify").order_by("pk").values_list("to_state", flat=True)) == [
        "genuine", "mismatch"]

    row = seated.ticket_seats.first()
    row.seat = 29
    row.save(update_fields=["seat"])
    stale = client.post(url, {"ticket_number": seated.ticket_number, "code": code})
    assert "核验码与准考证号不符" in stale.content.decode()

    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140213")))
    away = client.post(url, {"ticket_number": seated.ticket_number, "code": code})
    assert "不在您的管辖范围内" in away.content.decode()


def read_qr(body, tmp_path):
    """The text of the QR code on the PDF's page, read by zbarimg from a 200 dpi rendering."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg is not installed (Debian zbar-tools, DEBIAN_TEST in the Makefile)")
    path = tmp_path / "ticket.pdf"
    path.write_bytes(body)
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    found = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "page.png")],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(found) == 1, found
    return found[0]


def test_the_qr_code_opens_the_verification_filled_in_and_the_officer_still_presses_verify(
    client, seated, tmp_path, settings,
):
    settings.PORTAL_PUBLIC_URL = "https://zikao.example.cn/"
    with time_machine.travel(AFTER_PRINT):
        client.force_login(seated.user)
        body = client.get("/exams/ticket/pdf/").content
    code = re.search(r"核验码：([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", re.sub(r"\s+", "", poppler("pdftotext", body, tmp_path))).group(1)

    url = read_qr(body, tmp_path)
    assert url == f"https://zikao.example.cn/admin/exams/ticketseat/verify/?ticket_number={seated.ticket_number}&code={code}"
    assert seated.id_number not in url and seated.id_number[-8:] not in url
    scanned = urlsplit(url)

    client.logout()  # the invigilator's phone: sign in first, then back to the filled-in form
    login = client.get(f"{scanned.path}?{scanned.query}")
    assert login.status_code == 302 and "/admin/login/" in login["Location"] and "ticket_number" in login["Location"]

    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140105")))
    page = client.get(f"{scanned.path}?{scanned.query}").content.decode()
    assert f'value="{seated.ticket_number}"' in page and f'value="{code}"' in page and "已从准考证二维码填入" in page
    assert 'id="verify-result"' not in page and not AuditEvent.objects.filter(action="ticket_verify").exists()  # a GET only fills in
    verified = client.post(scanned.path, {"ticket_number": seated.ticket_number, "code": code}).content.decode()
    assert "核验通过：" in verified and "已从准考证二维码填入" not in verified
    assert AuditEvent.objects.get(action="ticket_verify").to_state == "genuine"


def test_the_qr_address_is_on_the_public_portal_and_never_holds_the_id_number(seated, settings):
    settings.PORTAL_PUBLIC_URL = "https://zikao.sxkszx.cn"
    url = ticket_pdf.verify_url(seated, "7F3A-9C21-B40E")
    assert url == f"https://zikao.sxkszx.cn/admin/exams/ticketseat/verify/?ticket_number={seated.ticket_number}&code=7F3A-9C21-B40E"
    assert seated.id_number not in url
