"""省际转出 pages: the rule shown, apply → download → confirm, the PDF read back (pdftotext,
pdffonts, pdfimages), IDOR (another candidate's application, PDF and signed photo are 404), the
officers' scope in admin and the workbench queue."""

import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.models import OfficerScope
from identity.intake import normalise
from identity.models import IdentityPhoto, IdentitySubmission
from tests.factories import OfficerFactory, city
from tests.transfers.out_fixtures import (
    candidate,
    confirmed,
    eligible_candidate,
    frozen,
    mentions_course,
    officers,
    pass_courses,
    photo_bytes,
    submit,
    window,
)
from transfers import out
from transfers.out_models import TransferOut

pytestmark = pytest.mark.django_db
__all__ = ["candidate", "frozen", "officers", "window"]  # fixtures
APPLY = "/transfers/out/apply/"
CHANGELIST = "/admin/transfers/transferout/"
Status = TransferOut.Status


def signed_upload(content=None):
    return SimpleUploadedFile("signed.jpg", content or photo_bytes(), content_type="image/jpeg")


def test_apply_shows_the_form_with_provinces_without_shanxi(client, candidate, frozen):
    client.force_login(candidate.user)
    page = client.get(APPLY).content.decode()
    assert "省际转出申请" in page and '<option value="13">河北省</option>' in page
    assert "山西省</option>" not in page and "香港" not in page
    assert "03708" in page and not mentions_course(page, "00015")  # the exempted course is not offered for transfer


@pytest.mark.parametrize(
    ("setup", "text"),
    [
        ("no_exam", "至少有一门课程在我省考试合格"),
        ("recent", "转入未满一年"),
        ("complete", "请在我省申请毕业"),
    ],
)
def test_apply_says_which_rule_applies(client, frozen, setup, text):
    from datetime import timedelta

    from django.utils import timezone

    candidate = eligible_candidate()
    if setup == "no_exam":
        candidate.passed_courses.filter(source="exam").delete()
    elif setup == "recent":
        pass_courses(candidate, ("00054",), source="transfer_in", now=timezone.now() - timedelta(days=30))
    else:
        pass_courses(candidate, ("00054", "00067", "07998"))
    client.force_login(candidate.user)
    response = client.get(APPLY)
    assert response.status_code == 200
    page = response.content.decode()
    assert text in page and "<form" not in page.split("panel-body", 1)[1].split("</section>")[0].replace(
        'action="/accounts/logout/"', ""
    )


def test_apply_download_confirm_in_the_browser_flow(client, candidate, frozen):
    client.force_login(candidate.user)
    page = client.get(APPLY).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    form = {
        "target_province": "13",
        "target_ticket_number": "130101123456",
        "reason": "工作调动",
        "token": token,
    }
    response = client.post(APPLY, form)
    application = TransferOut.objects.get()
    assert response["Location"] == f"/transfers/out/{application.number}/"
    assert client.post(APPLY, form)["Location"] == response["Location"]  # re-post: the same application
    detail = client.get(response["Location"]).content.decode()
    assert "待网上确认" in detail and "下载转出登记表（PDF）" in detail and "上传并确认" in detail

    bad = client.post(
        f"/transfers/out/{application.number}/confirm/", {"photo": signed_upload(b"%PDF-1.4 nope")}
    )
    assert bad.status_code == 400 and "不是照片" in bad.content.decode()
    assert TransferOut.objects.get().status == Status.UNCONFIRMED

    done = client.post(f"/transfers/out/{application.number}/confirm/", {"photo": signed_upload()})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PENDING_CITY
    photo = client.get(f"/transfers/out/{application.number}/signed-form/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert "no-store" in photo["Cache-Control"]


def test_a_bad_answer_is_shown_on_the_form_without_a_row(client, candidate, frozen):
    client.force_login(candidate.user)
    response = client.post(
        APPLY, {"target_province": "14", "target_ticket_number": "12", "reason": "工作调动"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "请从列表中选择转入省份（不能选择山西省）" in page and "6至20位" in page
    assert not TransferOut.objects.exists()


@pytest.fixture
def verified_headshot(candidate):
    """An approved identity check of ``candidate`` with a stored 413 × 531 headshot."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    submission = IdentitySubmission.objects.create(
        candidate=candidate,
        attempt=1,
        status="approved",
        decided_at=timezone.now(),
        decision_method="automatic",
    )
    headshot = normalise(photo_bytes(size=(413, 531)))
    stored = IdentityPhoto(
        submission=submission,
        slot="headshot",
        sha256=headshot.sha256,
        phash=headshot.phash,
        size=headshot.size,
        width=headshot.width,
        height=headshot.height,
    )
    stored.file.save("head.jpg", ContentFile(headshot.content), save=True)
    return stored


def test_the_print_stylesheet_lays_the_form_out_as_weasyprints_own(candidate, frozen, verified_headshot, monkeypatch,
                                                                    tmp_path):
    """The 省际转出登记表: photo, tables, a page-number margin box; print_ua.css against WeasyPrint's own."""
    from django.utils import timezone

    from tests.zikao.test_pdf import use_weasyprints_own_stylesheet, word_boxes
    from transfers import out_pdf

    application, _ = submit(candidate)
    ours = out_pdf.render_form_pdf(application, now=timezone.now())
    use_weasyprints_own_stylesheet(monkeypatch)
    theirs = out_pdf.render_form_pdf(application, now=timezone.now())
    boxes = word_boxes(ours, tmp_path)
    assert any(application.number in box for box in boxes) and any(">页<" in box for box in boxes)
    assert boxes == word_boxes(theirs, tmp_path)


def test_the_form_pdf_reads_back_province_courses_font_and_photo(client, candidate, frozen, verified_headshot,
                                                                 tmp_path):
    application, _ = submit(candidate)
    client.force_login(candidate.user)
    response = client.get(f"/transfers/out/{application.number}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "form.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in [
        "山西省高等教育自学考试省际转出登记表",
        application.number,
        candidate.name,
        "河北省",
        "130101123456",
        "03708",
        "中国近现代史纲要",
        "03709",
        "考生签名",
        "核验码",
        "免考课程不予转出",
    ]:
        assert expected in text, expected
    assert not mentions_course(text, "00015") and "英语（二）" not in text  # the exemption does not transfer
    assert candidate.id_number not in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "WenQuanYi" in line or "Noto" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts  # embedded
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.strip().splitlines()) == 3, images  # header, rule, the one photo


# --------------------------------------------------------------------------- IDOR


def test_another_candidates_application_pdf_and_photo_are_404(client, candidate, frozen):
    application = confirmed(candidate)
    other = eligible_candidate()
    client.force_login(other.user)
    for suffix in ("", "pdf/", "signed-form/", "correct/"):
        assert client.get(f"/transfers/out/{application.number}/{suffix}").status_code == 404, suffix
    response = client.post(f"/transfers/out/{application.number}/confirm/", {"photo": signed_upload()})
    assert response.status_code == 404
    assert client.get("/transfers/out/ZC99999999/").status_code == 404
    client.logout()
    assert client.get(f"/transfers/out/{application.number}/signed-form/").status_code == 302  # to sign-in


# --------------------------------------------------------------------------- officers


def test_each_officer_sees_only_their_scope(client, candidate, frozen, officers):
    mine = confirmed(candidate)
    elsewhere = confirmed(eligible_candidate(county_code="140213"))
    seen = {}
    for who in ("taiyuan", "datong", "xiaodian", "pingcheng", "province"):
        client.force_login(officers[who])
        page = client.get(f"{CHANGELIST}?wb=all").content.decode()
        seen[who] = {number for number in (mine.number, elsewhere.number) if number in page}
    assert seen == {
        "taiyuan": {mine.number},
        "datong": {elsewhere.number},
        "xiaodian": {mine.number},
        "pingcheng": {elsewhere.number},
        "province": {mine.number, elsewhere.number},
    }
    client.force_login(officers["datong"])
    assert client.get(f"{CHANGELIST}{mine.pk}/change/").status_code in (302, 404)
    assert client.get(f"{CHANGELIST}{mine.pk}/signed-form/").status_code == 404
    assert client.post(f"{CHANGELIST}{mine.pk}/city-pass/").status_code == 404
    mine.refresh_from_db()
    assert mine.status == Status.PENDING_CITY
    client.force_login(officers["taiyuan"])
    assert client.get(f"{CHANGELIST}{mine.pk}/signed-form/").status_code == 200


def test_staff_without_scope_sees_nothing(client, candidate, frozen):
    confirmed(candidate)
    from candidates.models import User

    staff = User.objects.create_user(username="noscope", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(f"{CHANGELIST}?wb=all").status_code == 403


def test_the_queue_counts_and_decisions_move_the_case_to_transferred(client, candidate, frozen, officers):
    application = confirmed(candidate)
    client.force_login(officers["taiyuan"])
    index = client.get("/admin/").content.decode()
    assert re.search(r'省际转出审核</a></th>\s*<td><a [^>]*class="wb-count">1 件</a>', index), index[:0]
    page = client.get(f"{CHANGELIST}{application.pk}/change/?_changelist_filters=wb%3Dmine").content.decode()
    assert "审核通过并下一条" in page and "退回…" in page and "查看照片" in page
    confirm = client.get(f"{CHANGELIST}{application.pk}/return/").content.decode()  # without JavaScript
    assert application.number in confirm and "转入省份" in confirm and 'name="reason"' in confirm
    client.post(f"{CHANGELIST}{application.pk}/city-pass/?_changelist_filters=wb%3Dmine")
    client.force_login(officers["province"])
    client.post(f"{CHANGELIST}{application.pk}/send/")
    client.post(f"{CHANGELIST}{application.pk}/close/")
    application.refresh_from_db()
    assert application.status == Status.TRANSFERRED


def test_returning_needs_a_reason_and_a_second_decision_is_refused_clearly(
    client, candidate, frozen, officers
):
    application = confirmed(candidate)
    second = OfficerFactory(
        username="ty-out-2", scope__level=OfficerScope.Level.CITY, scope__city=city("1401")
    )
    client.force_login(officers["taiyuan"])
    response = client.post(f"{CHANGELIST}{application.pk}/return/", {"reason": ""})
    assert "退回时必须填写原因" in response.content.decode()
    client.post(f"{CHANGELIST}{application.pk}/return/", {"reason": "签字登记表照片不清晰"})
    client.force_login(second)
    response = client.post(f"{CHANGELIST}{application.pk}/city-pass/", follow=True)
    assert "该申请已被处理" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.RETURNED


def test_the_closed_record_centre_offers_no_business(client, candidate, frozen, officers):
    application = confirmed(candidate)
    out.pass_city_check(officer=officers["taiyuan"], application=application)
    out.send_transfer_out(officer=officers["province"], application=application)
    out.close_transfer_out(officer=officers["province"], application=application)
    client.force_login(candidate.user)
    page = client.get("/center/").content.decode()
    assert "您的考籍已转出山西省" in page and "立即办理" not in page
    windows = page.split('id="windows-heading"')[1].split('id="query-heading"')[0]
    assert "href=" not in windows
    refused = client.get(APPLY).content.decode()
    assert "您的考籍已转出山西省" in refused
    assert client.get("/records/passed/").status_code == 200  # reading still works
    # Other candidates still see the links (the shared block is not spoiled).
    client.force_login(eligible_candidate().user)
    assert "/transfers/out/apply/" in client.get("/center/").content.decode()


def test_a_printed_form_is_verified_in_admin_and_a_correction_voids_it(
    client, candidate, frozen, officers, tmp_path
):
    application, _ = submit(candidate)
    client.force_login(candidate.user)
    path = tmp_path / "form.pdf"
    path.write_bytes(client.get(f"/transfers/out/{application.number}/pdf/").content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    printed_at = re.search(r"打印时间：(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", text).group(1)
    code = re.search(r"核验码：([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", re.sub(r"\s", "", text)).group(1)
    form = {"number": application.number, "printed_at": printed_at, "code": code}

    client.force_login(officers["taiyuan"])
    assert "转出登记表核验" in client.get(f"{CHANGELIST}?wb=all").content.decode()
    page = client.post(f"{CHANGELIST}verify/", form).content.decode()
    assert "核验通过" in page
    assert (
        "不是本平台出具"
        in client.post(f"{CHANGELIST}verify/", {**form, "code": "0000-0000-0000"}).content.decode()
    )
    client.force_login(officers["datong"])
    assert "不在您的管辖范围内" in client.post(f"{CHANGELIST}verify/", form).content.decode()

    out.correct_transfer_out(
        candidate=candidate,
        application=application,
        target_province="11",
        target_ticket_number="110105000123",
        reason="随迁",
    )
    client.force_login(officers["taiyuan"])
    assert "不是本平台出具" in client.post(f"{CHANGELIST}verify/", form).content.decode()


def test_correct_page_after_a_return(client, candidate, frozen, officers):
    application = confirmed(candidate)
    out.return_transfer_out(officer=officers["taiyuan"], application=application, reason="转入省准考证号有误")
    client.force_login(candidate.user)
    detail = client.get(f"/transfers/out/{application.number}/").content.decode()
    assert "已退回：转入省准考证号有误" in detail and "修改申请" in detail
    page = client.get(f"/transfers/out/{application.number}/correct/").content.decode()
    assert "退回原因：转入省准考证号有误" in page and 'value="130101123456"' in page
    response = client.post(
        f"/transfers/out/{application.number}/correct/",
        {"target_province": "13", "target_ticket_number": "130101654321", "reason": "工作调动"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.UNCONFIRMED and application.target_ticket_number == "130101654321"
    assert "上传并确认" in client.get(f"/transfers/out/{application.number}/").content.decode()
