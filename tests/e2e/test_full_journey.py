"""The closing proof of the whole portal, in real Chromium on a 360 px phone.

A new candidate registers, uploads 三照 and is approved automatically; signs
out and in again with the captcha; opens the personal centre; applies to move
from 太原市 to 大同市; sees the details page. In Django admin the 太原市 office
releases the application and the 大同市 office accepts it with 平城区. The
candidate then sees 已转入 大同市平城区 in 备注, 报名区县 updated, the same
ticket number, and downloads the PDF. Every candidate page is photographed.
"""

import datetime
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from candidates.models import Candidate, OfficerScope
from identity import samples
from tests.e2e.helpers import admin_page, assert_accessible, fits_the_phone, screenshot, solve_captcha
from tests.factories import BusinessWindowFactory, OfficerFactory, city, make_id_number
from transfers.models import TransferApplication

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage", "tasks_in_process"),
    pytest.mark.skipif(not samples.available(), reason="scikit-image / matplotlib (test extras) are not installed"),
]

ID_NUMBER = make_id_number(county_code="140105", birth=datetime.date(2001, 9, 18), sequence=23, gender="F")
PASSWORD = "Jinzhong2026go"


@pytest.fixture
def photos(tmp_path):
    paths = {}
    for slot, image in samples.submission_images("grace_hopper").items():
        paths[slot] = tmp_path / f"{slot}.jpg"
        image.save(paths[slot], "JPEG", quality=90)
    return paths


def fits(page):
    return fits_the_phone(page)


def shot(page, artifacts_dir, name):
    assert fits(page), f"{name}: wider than the phone"
    assert_accessible(page)
    screenshot(page, artifacts_dir, f"journey-{name}-360")


def officer_decides(browser, live_server, username, steps):
    page = admin_page(browser, live_server, username)
    steps(page)
    page.context.close()


def test_register_verify_sign_in_apply_review_and_print(browser, phone_page, live_server, photos, artifacts_dir):
    BusinessWindowFactory(title="2026年下半年省内转考")
    OfficerFactory(username="taiyuan-j", scope__level=OfficerScope.Level.CITY, scope__city=city("1401"))
    OfficerFactory(username="datong-j", scope__level=OfficerScope.Level.CITY, scope__city=city("1402"))
    page = phone_page

    # 1. 考生注册 › 我是新考生.
    page.goto(live_server.url + "/")
    shot(page, artifacts_dir, "01-home")
    page.get_by_role("link", name="考生注册").first.click()
    shot(page, artifacts_dir, "02-register-chooser")
    page.get_by_role("link", name="我是新生，点击开始注册").click()
    page.get_by_label("姓名", exact=True).fill("刘慧")
    page.get_by_label("身份证号", exact=True).fill(ID_NUMBER)
    page.get_by_label("女", exact=True).check()
    page.get_by_label("民族").select_option("汉族")
    page.get_by_label("户口性质").select_option(label="非农业户口")
    page.get_by_label("文化程度").select_option(label="大专")
    page.get_by_label("职业").select_option(label="教师")
    page.get_by_label("政治面貌").select_option(label="群众")
    page.get_by_label("手机号").fill("13903510023")
    page.get_by_label("报名地市").select_option(label="太原市")
    page.get_by_label("报名区县", exact=True).select_option(label="小店区")
    page.get_by_label("登录密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    solve_captcha(page, "main form")
    shot(page, artifacts_dir, "03-register-new")
    page.get_by_role("button", name="提交注册").click()

    # 2. 上传“三照” → 身份验证 → 验证通过.
    page.wait_for_url(live_server.url + "/identity/")
    shot(page, artifacts_dir, "04-identity-upload")
    for index, slot in enumerate(["headshot", "id_card", "handheld"]):
        page.get_by_label("选择照片文件").nth(index).set_input_files(photos[slot])
    page.get_by_role("button", name="提交照片").click()
    expect(page.get_by_role("heading", name="已通过")).to_be_visible(timeout=60000)
    candidate = Candidate.objects.get(id_number=ID_NUMBER)
    ticket = candidate.ticket_number
    assert candidate.is_approved and len(ticket) == 12 and ticket.startswith("0105")
    shot(page, artifacts_dir, "05-identity-approved")

    # 3. Sign out, then 考生登录 with the ticket number and the captcha.
    page.get_by_role("button", name="退出登录").first.click()
    page.wait_for_url(live_server.url + "/")
    page.get_by_label("身份证号或准考证号").fill(ticket)
    page.get_by_label("登录密码").fill(PASSWORD)
    solve_captcha(page, "main form")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(live_server.url + "/center/")

    # 4. 个人中心.
    expect(page.get_by_text("刘慧").first).to_be_visible()
    expect(page.get_by_text(candidate.masked_id_number)).to_be_visible()
    expect(page.get_by_text("太原市小店区").first).to_be_visible()
    shot(page, artifacts_dir, "06-center")

    # 5. 省内转考申请: 太原市 → 大同市, check answers, submit.
    page.get_by_role("link", name="省内转考申请").first.click()
    page.wait_for_url(live_server.url + "/transfers/in-province/apply/")
    page.get_by_label("转入市").select_option(label="大同市")
    shot(page, artifacts_dir, "07-transfer-apply")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("确认转考信息无误后提交申请")).to_be_visible()
    shot(page, artifacts_dir, "08-transfer-confirm")
    page.get_by_role("button", name="确认无误，提交申请").click()
    application = TransferApplication.objects.get(candidate=candidate)
    page.wait_for_url(f"{live_server.url}/transfers/{application.number}/")
    expect(page.locator("td[data-label='备注']")).to_have_text("待原属地市审核")
    shot(page, artifacts_dir, "09-transfer-details")

    # 6. Officers in admin: 太原市 releases, 大同市 accepts with 平城区.
    change = f"{live_server.url}/admin/transfers/transferapplication/{application.pk}/change/"

    def release(admin):
        admin.goto(f"{live_server.url}/admin/transfers/transferapplication/")  # opens on 待我处理
        admin.get_by_role("link", name=application.number).click()
        admin.once("dialog", lambda dialog: dialog.accept())
        admin.get_by_role("button", name="同意转出并下一条").click()
        expect(admin.get_by_text(f"已同意转出 {application.number}")).to_be_visible()
        admin.goto(change)
        expect(admin.locator(".field-state_text .readonly")).to_have_text("待转入市审核")

    def accept(admin):
        admin.goto(f"{live_server.url}/admin/transfers/transferapplication/")
        admin.get_by_role("link", name=application.number).click()
        admin.get_by_text("同意转入…", exact=True).click()
        admin.get_by_label("转入后的报名区县").select_option(label="平城区")
        admin.once("dialog", lambda dialog: dialog.accept())
        admin.get_by_role("button", name="同意转入并下一条").click()
        expect(admin.get_by_text(f"已同意转入 {application.number}")).to_be_visible()
        admin.goto(change)
        expect(admin.locator(".field-state_text .readonly")).to_have_text("已转入 大同市平城区")

    officer_decides(browser, live_server, "taiyuan-j", release)
    officer_decides(browser, live_server, "datong-j", accept)

    # 7. The candidate sees the outcome; the ticket number is unchanged.
    page.goto(f"{live_server.url}/transfers/{application.number}/")
    expect(page.locator("td[data-label='备注']")).to_have_text("已转入 大同市平城区")
    shot(page, artifacts_dir, "10-transfer-accepted")
    page.goto(f"{live_server.url}/center/")
    expect(page.get_by_text("大同市平城区").first).to_be_visible()
    expect(page.get_by_text(ticket).first).to_be_visible()
    shot(page, artifacts_dir, "11-center-after-transfer")
    candidate.refresh_from_db()
    assert candidate.county_id == "140213" and candidate.ticket_number == ticket

    # 8. 打印: the PDF says the same.
    page.goto(f"{live_server.url}/transfers/{application.number}/")
    href = page.get_by_role("link", name="打印").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    for expected in ["山西省高等教育自学考试省内转考申请信息详情", application.number, "已转入", "大同市平城区", "刘慧"]:
        assert expected in text
    (artifacts_dir / "journey-transfer.pdf").write_bytes(response.body())
