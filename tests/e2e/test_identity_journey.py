"""Browser journeys for identity verification (real Chromium, 360 px phone).

A new candidate signs in, uploads 三照 (one of them too big, shrunk by the
page), sees progress and reaches 已通过; every state of /identity/ passes axe
and is photographed; the page works without JavaScript; an officer approves a
待人工审核 case in Django admin.
"""

import io
import re

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from candidates.models import Candidate
from identity import samples
from identity.models import IdentitySubmission
from tests.e2e.accounts import no_sideways_scroll, sign_in
from tests.e2e.helpers import assert_accessible, screenshot
from tests.factories import CandidateFactory, county

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage", "tasks_in_process"),
    pytest.mark.skipif(not samples.available(), reason="scikit-image / matplotlib (test extras) are not installed"),
]
Status = IdentitySubmission.Status


@pytest.fixture(scope="module")
def photo_files(tmp_path_factory):
    """The astronaut's three photos as files; the half-body one as a 2400 px PNG over 2 MB, as phones make."""
    folder = tmp_path_factory.mktemp("photos")
    images = samples.submission_images("astronaut")
    paths = {}
    for slot in ("headshot", "id_card"):
        paths[slot] = folder / f"{slot}.jpg"
        images[slot].save(paths[slot], "JPEG", quality=92)
    big = images["handheld"].resize((2400, 2400), Image.Resampling.LANCZOS)
    paths["handheld"] = folder / "IMG_20260312_101500.png"
    big.save(paths["handheld"], "PNG")
    assert paths["handheld"].stat().st_size > 2 * 1024 * 1024
    return paths


def force_sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_new_candidate_uploads_three_photos_and_is_approved(phone_page, live_server, artifacts_dir, photo_files):
    page = phone_page
    candidate = CandidateFactory(name="李娜", county=county("140105"))
    sign_in(page, live_server, candidate.id_number)
    page.goto(live_server.url + "/identity/")
    expect(page.get_by_role("heading", name="未认证")).to_be_visible()
    assert no_sideways_scroll(page, 360)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "identity-new-360")

    page.get_by_label("选择照片文件").nth(0).set_input_files(photo_files["headshot"])
    page.get_by_label("选择照片文件").nth(1).set_input_files(photo_files["id_card"])
    page.get_by_label("选择照片文件").nth(2).set_input_files(photo_files["handheld"])
    expect(page.locator("#handheld-note")).to_contain_text("已自动压缩", timeout=15000)
    for slot in ("headshot", "id_card", "handheld"):
        expect(page.locator(f"[data-preview-for='{slot}'] img")).to_be_visible()
    assert page.evaluate("document.querySelector(\"input[name='handheld']\").files[0].size") < 2 * 1024 * 1024
    screenshot(page, artifacts_dir, "identity-selected-360")

    page.get_by_role("button", name="提交照片").click()
    expect(page.locator("#upload-progress-box")).to_be_visible()
    expect(page.get_by_role("heading", name="已通过")).to_be_visible(timeout=60000)
    candidate.refresh_from_db()
    assert candidate.is_approved and candidate.ticket_number
    expect(page.locator(".ticket-number")).to_have_text(candidate.ticket_number)
    expect(page.get_by_role("img", name="手持身份证照（半身）")).to_be_visible()
    assert no_sideways_scroll(page, 360)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "identity-approved-360")
    stored = IdentitySubmission.objects.get(candidate=candidate).photos.get(slot="handheld")
    assert stored.size < 2 * 1024 * 1024 and max(stored.width, stored.height) <= 2000

    page.get_by_role("link", name="进入个人中心").click()
    expect(page).to_have_url(live_server.url + "/center/")


def test_refused_photo_is_explained_in_place(phone_page, live_server, artifacts_dir, photo_files, tmp_path):
    page = phone_page
    candidate = CandidateFactory(county=county("140105"))
    force_sign_in(page, live_server, candidate.user)
    page.goto(live_server.url + "/identity/")
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"GIF89a" + b"\x00" * 400)
    page.get_by_label("选择照片文件").nth(0).set_input_files(fake)
    page.get_by_label("选择照片文件").nth(1).set_input_files(photo_files["id_card"])
    page.get_by_label("选择照片文件").nth(2).set_input_files(photo_files["id_card"])
    page.get_by_role("button", name="提交照片").click()
    expect(page.locator("#headshot-note")).to_contain_text("浏览器无法显示这个文件")
    expect(page.locator("#headshot-error")).to_contain_text("GIF")
    expect(page.locator("#identity-form-errors")).to_be_visible()
    assert page.get_by_label("选择照片文件").nth(0).get_attribute("aria-invalid") == "true"
    assert not IdentitySubmission.objects.exists()
    assert_accessible(page)
    screenshot(page, artifacts_dir, "identity-refused-360")


def test_without_javascript_the_server_explains_an_oversize_photo(browser, live_server, artifacts_dir, photo_files):
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="zh-CN", timezone_id="Asia/Shanghai", java_script_enabled=False
    )
    page = context.new_page()
    candidate = CandidateFactory(county=county("140105"))
    force_sign_in(page, live_server, candidate.user)
    page.goto(live_server.url + "/identity/")
    page.get_by_label("选择照片文件").nth(0).set_input_files(photo_files["headshot"])
    page.get_by_label("选择照片文件").nth(1).set_input_files(photo_files["id_card"])
    page.get_by_label("选择照片文件").nth(2).set_input_files(photo_files["handheld"])
    page.get_by_role("button", name="提交照片").click()
    expect(page.locator("#handheld-error")).to_contain_text("超过了 2 MB 的限制")
    expect(page.locator("#identity-form-errors")).to_contain_text("照片都没有保存")
    screenshot(page, artifacts_dir, "identity-nojs-oversize-360")
    # The other two are fine; with a smaller half-body photo the same form goes through.
    small = photo_files["handheld"].with_name("handheld-small.jpg")
    Image.open(photo_files["handheld"]).convert("RGB").resize((1200, 1200)).save(small, "JPEG", quality=88)
    page.get_by_label("选择照片文件").nth(0).set_input_files(photo_files["headshot"])
    page.get_by_label("选择照片文件").nth(1).set_input_files(photo_files["id_card"])
    page.get_by_label("选择照片文件").nth(2).set_input_files(small)
    page.get_by_role("button", name="提交照片").click()
    expect(page.get_by_role("heading", name="已通过")).to_be_visible(timeout=60000)
    # The page's photo thumbnails are still being served: closing now would leave the live server
    # inside a request while the test database is truncated (a deadlock seen once in CI).
    page.wait_for_load_state("networkidle")
    context.close()


def _stored_case(candidate, status, reasons=(), attempt=1):
    return IdentitySubmission.objects.create(
        candidate=candidate, attempt=attempt, status=status, reasons=list(reasons),
        decided_at=None if status in IdentitySubmission.ACTIVE_STATUSES else candidate.created_at,
    )


def test_checking_page_refreshes_itself_when_the_decision_arrives(phone_page, live_server, artifacts_dir):
    page = phone_page
    candidate = CandidateFactory(county=county("140105"), identity_status=Candidate.IdentityStatus.CHECKING)
    submission = _stored_case(candidate, Status.CHECKING)
    force_sign_in(page, live_server, candidate.user)
    page.goto(live_server.url + "/identity/")
    expect(page.get_by_role("heading", name="检查中")).to_be_visible()
    assert_accessible(page)
    screenshot(page, artifacts_dir, "identity-checking-360")
    IdentitySubmission.objects.filter(pk=submission.pk).update(status=Status.NEEDS_REVIEW)
    expect(page.get_by_role("heading", name="待人工审核")).to_be_visible(timeout=15000)
    assert no_sideways_scroll(page, 360)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "identity-needs-review-360")


def test_rejected_three_times_shows_reasons_and_the_registration_point(phone_page, live_server, artifacts_dir):
    page = phone_page
    candidate = CandidateFactory(county=county("140105"), identity_status=Candidate.IdentityStatus.REJECTED)
    for attempt in (1, 2, 3):
        _stored_case(
            candidate, Status.REJECTED, attempt=attempt,
            reasons=["身份证照片不够清晰，请对准焦点、保持手机稳定，在光线充足处重新拍摄。"],
        )
    force_sign_in(page, live_server, candidate.user)
    page.goto(live_server.url + "/identity/")
    expect(page.get_by_role("heading", name="未通过")).to_be_visible()
    expect(page.get_by_text("身份证照片不够清晰")).to_be_visible()
    expect(page.get_by_role("heading", name="到报名点人工审核")).to_be_visible()
    point = candidate.county.registration_point
    expect(page.get_by_text(point.address)).to_be_visible()
    expect(page.get_by_role("button", name="重新上传")).to_be_visible()
    assert no_sideways_scroll(page, 360)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "identity-rejected-point-360")


def test_officer_approves_a_case_waiting_for_review_in_admin(browser, phone_page, live_server, artifacts_dir):
    from candidates import demo as candidate_demo
    from identity import demo

    candidate_demo.seed()
    demo.seed()  # 刘洋: his headshot is 张伟's, so the checks sent the case to an officer
    submission = IdentitySubmission.objects.get(status=Status.NEEDS_REVIEW)
    candidate = submission.candidate
    assert candidate.name == "刘洋" and candidate.ticket_number is None

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("用户名").fill("xiaodian")
    page.get_by_label("密码").fill(candidate_demo.OFFICER_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/admin/identity/identitysubmission/?status__exact=needs_review")
    expect(page.get_by_role("link", name="刘洋")).to_be_visible()
    expect(page.get_by_text("免冠照与其他考生重复：需人工判断")).to_be_visible()
    screenshot(page, artifacts_dir, "identity-admin-queue")
    page.get_by_role("link", name="刘洋").click()
    expect(page.get_by_role("img", name="手持身份证照（半身）")).to_be_visible()
    expect(page.get_by_text("疑似同一张照片")).to_be_visible()
    screenshot(page, artifacts_dir, "identity-admin-review")
    page.once("dialog", lambda dialog: dialog.accept())  # 确认通过？
    page.get_by_role("button", name="通过并下一条").click()
    expect(page.get_by_text(re.compile("已通过：刘洋"))).to_be_visible()
    screenshot(page, artifacts_dir, "identity-admin-approved")
    context.close()

    candidate.refresh_from_db()
    assert candidate.is_approved and candidate.ticket_number.startswith("0105")
    submission.refresh_from_db()
    assert submission.decided_by.username == "xiaodian"

    force_sign_in(phone_page, live_server, candidate.user)
    phone_page.goto(live_server.url + "/identity/")
    expect(phone_page.get_by_role("heading", name="已通过")).to_be_visible()
    expect(phone_page.locator(".ticket-number")).to_have_text(candidate.ticket_number)


def test_photo_is_not_cached_and_not_shown_to_another_candidate(phone_page, live_server):
    candidate = CandidateFactory(county=county("140105"))
    client = Client()
    client.force_login(candidate.user)
    image = io.BytesIO()
    samples.headshot("astronaut").save(image, "JPEG")
    from identity.intake import normalise
    from identity.services import submit_photos

    photos = {slot: normalise(samples.jpeg_bytes(im)) for slot, im in samples.submission_images("astronaut").items()}
    submission = submit_photos(candidate=candidate, photos=photos)
    photo = submission.photos.get(slot="headshot")
    force_sign_in(phone_page, live_server, CandidateFactory().user)
    response = phone_page.goto(live_server.url + f"/identity/photos/{photo.pk}/")
    assert response.status == 403
