"""The printable application: content, embedded CJK font, download name, verification code."""

import io
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from tests.factories import city, county
from tests.transfers.conftest import submit
from tests.zikao.test_pdf import use_weasyprints_own_stylesheet, word_boxes
from transfers import pdf, services

pytestmark = pytest.mark.django_db


def fonts_of(reader):
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return found


@pytest.fixture
def accepted(candidate, frozen, officers):
    application, _ = submit(candidate, city("1402"))
    services.release_transfer(officer=officers["taiyuan"], application=application)
    services.accept_transfer(officer=officers["datong"], application=application, to_county=county("140213"))
    application.refresh_from_db()
    return application


def test_pdf_download_has_the_title_table_state_and_an_embedded_cjk_font(client, candidate, accepted):
    client.force_login(candidate.user)
    response = client.get(f"/transfers/{accepted.number}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    for expected in [
        "山西省高等教育自学考试省内转考申请信息详情", accepted.number, candidate.name, candidate.masked_id_number,
        candidate.ticket_number, "类型", "原属地市", "申请时间", "转入市", "备注", "省内转考", "太原市", "大同市",
        "已转入 大同市平城区", "打印时间：2026-03-05 10:30:00", "核验码",
    ]:
        assert expected in text, expected
    assert candidate.id_number not in text

    fonts = fonts_of(reader)
    cjk = {name: embedded for name, embedded in fonts.items() if "WenQuanYi" in name}
    assert cjk, fonts
    assert all(cjk.values()), f"not embedded: {cjk}"
    assert all(fonts.values()), f"every font is embedded: {fonts}"


def test_download_name_works_in_every_browser(client, candidate, accepted):
    client.force_login(candidate.user)
    disposition = client.get(f"/transfers/{accepted.number}/pdf/")["Content-Disposition"]
    assert disposition == (
        f"inline; filename=\"{accepted.number}.pdf\"; "
        f"filename*=UTF-8''{quote(f'省内转考申请-{accepted.number}.pdf')}"
    )
    assert disposition.isascii()


def test_verification_code_matches_only_the_printed_facts(accepted):
    printed_at = "2026-03-05 10:30:00"
    code = pdf.application_code(accepted, printed_at)
    assert len(code) == 14 and code.count("-") == 2
    assert pdf.check_printout(accepted, printed_at=printed_at, code=code) == "accepted"
    assert pdf.check_printout(accepted, printed_at=printed_at, code=code.lower().replace("-", " ")) == "accepted"
    assert pdf.check_printout(accepted, printed_at="2026-03-05 10:30:01", code=code) is None
    assert pdf.check_printout(accepted, printed_at=printed_at, code="0000-0000-0000") is None


def test_code_of_an_earlier_printout_is_still_recognised_with_its_old_state(candidate, frozen, officers):
    application, _ = submit(candidate, city("1402"))
    printed_at = "2026-03-05 10:30:00"
    old_code = pdf.application_code(application, printed_at)
    services.release_transfer(officer=officers["taiyuan"], application=application)
    application.refresh_from_db()
    assert pdf.check_printout(application, printed_at=printed_at, code=old_code) == "pending_origin"


def test_pdf_of_a_refused_application_shows_the_remark(client, candidate, frozen, officers):
    application, _ = submit(candidate, city("1402"))
    services.refuse_release(officer=officers["taiyuan"], application=application, remark="考籍信息待核实")
    client.force_login(candidate.user)
    text = PdfReader(io.BytesIO(client.get(f"/transfers/{application.number}/pdf/").content)).pages[0].extract_text()
    assert "未通过：考籍信息待核实" in text


def test_the_print_stylesheet_lays_the_application_out_as_weasyprints_own(accepted, tmp_path, monkeypatch):
    """A printout with a margin box (the page-number footer) and the print user-agent stylesheet."""
    ours = pdf.render_application_pdf(accepted, printed_at=accepted.updated_at)
    use_weasyprints_own_stylesheet(monkeypatch)
    theirs = pdf.render_application_pdf(accepted, printed_at=accepted.updated_at)
    boxes = word_boxes(ours, tmp_path)
    assert any(">第<" in box for box in boxes) and any(">页<" in box for box in boxes)  # the footer
    assert boxes == word_boxes(theirs, tmp_path)
