"""Every candidate can get in: audio captcha, titles, errors tied to fields, phone-first
order, finger-sized controls, steps, and the small frictions, at 360 px in Chromium."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, screenshot
from tests.factories import CandidateFactory, county

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_audio_captcha_plays_the_current_challenge(phone_page, live_server, artifacts_dir):
    page = phone_page
    wav_responses = []
    page.on("response", lambda r: wav_responses.append(r) if "/captcha-audio/" in r.url else None)
    page.goto(live_server.url + "/accounts/login/")
    image = page.get_by_role("img", name="验证码图片，可点击右侧按钮听语音")
    expect(image).to_be_visible()
    key = page.locator("input[name=captcha_0]").input_value()

    page.get_by_role("button", name="听语音验证码").click()
    page.wait_for_function(
        "() => { const a = document.querySelector('audio.captcha-audio'); return a && !a.paused && a.currentTime > 0.3; }"
    )
    duration = page.evaluate("document.querySelector('audio.captcha-audio').duration")
    assert 5 <= duration <= 20
    assert key in wav_responses[-1].url and wav_responses[-1].status == 200

    # 换 is a real button: Space on it brings a new challenge, and the audio follows it.
    page.get_by_role("button", name="换一张验证码图片").focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"() => document.querySelector('input[name=captcha_0]').value !== '{key}'")
    new_key = page.locator("input[name=captcha_0]").input_value()
    assert new_key in page.get_by_role("button", name="听语音验证码").get_attribute("data-captcha-audio")
    page.get_by_role("button", name="听语音验证码").click()
    page.wait_for_function(
        f"() => document.querySelector('audio.captcha-audio').src.includes('{new_key}')"
        " && document.querySelector('audio.captcha-audio').currentTime > 0.3"
    )
    assert_accessible(page)
    screenshot(page, artifacts_dir, "login-captcha-360")


def test_without_javascript_the_audio_captcha_is_a_link_to_the_sound(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    link = page.get_by_role("link", name="听语音验证码")
    assert link.is_visible() and page.get_by_role("button", name="听语音验证码").count() == 0
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "audio/wav"
    context.close()


def test_a_bot_filling_the_hidden_box_is_refused(phone_page, live_server):
    page = phone_page
    page.goto(live_server.url + "/accounts/login/")
    honeypot = page.locator("input[name=website]")
    assert not honeypot.is_visible() or honeypot.bounding_box()["x"] < -1000
    page.get_by_label("身份证号或准考证号").fill("010526100001")
    page.get_by_label("登录密码", exact=True).fill("whatever1")
    page.locator("input[name=captcha_1]").fill("ABCD")
    honeypot.fill("http://spam.example")  # what a form-filling bot does
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_text("提交未通过安全检查，请刷新页面后重新填写。")).to_be_visible()


def force_sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def described_by(locator):
    """The texts an input's aria-describedby points to, as a screen reader reads them."""
    return locator.evaluate(
        "el => (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)"
        ".map(id => document.getElementById(id).textContent.trim())"
    )


@pytest.mark.parametrize("path", ["/accounts/login/", "/register/new/", "/register/enrolled/",
                                  "/accounts/ticket-number/", "/accounts/password/reset/"])
def test_a_captcha_error_is_read_with_the_captcha_box_and_turns_it_red(phone_page, live_server, artifacts_dir, path):
    page = phone_page
    page.goto(live_server.url + path)
    page.locator("main form:has(input[name=captcha_1]) button[type=submit]").click()
    answer = page.locator("input[name=captcha_1]")
    expect(answer).to_have_attribute("aria-invalid", "true")
    assert "请输入验证码。" in described_by(answer)
    red = page.evaluate("getComputedStyle(document.querySelector('input[name=captcha_1]')).borderColor")
    assert red.startswith("rgb(220, 53, 69)")  # Bootstrap's invalid border, as on the other fields
    assert_accessible(page)
    if path == "/register/new/":
        # The summary lists every field to fix; each line goes to its field.
        summary = page.locator(".error-summary a")
        assert summary.count() >= 10
        page.locator(".error-summary a", has_text="验证码：请输入验证码。").click()
        assert page.evaluate("document.activeElement.name") == "captcha_1"
        page.locator(".error-summary a", has_text="手机号").click()
        assert page.evaluate("document.activeElement.name") == "mobile"
        screenshot(page, artifacts_dir, "register-new-errors-360")


def test_identity_errors_name_the_missing_photos_and_point_to_their_messages(phone_page, live_server, artifacts_dir):
    page = phone_page
    candidate = CandidateFactory(name="李娜", county=county("140105"))
    force_sign_in(page, live_server, candidate.user)
    page.goto(live_server.url + "/identity/")
    page.get_by_role("button", name="提交照片").click()
    summary = page.locator("#identity-form-errors")
    expect(summary).to_contain_text("还有照片没有选择")
    for short in ["免冠照", "身份证照片", "手持身份证照"]:
        expect(summary.get_by_role("link", name=f"请选择{short}。")).to_be_visible()
    assert "有照片未通过检查" not in summary.inner_text()
    headshot = page.locator("input[name=headshot]")
    assert "请选择免冠照。" in described_by(headshot)
    assert headshot.get_attribute("aria-invalid") == "true"
    summary.get_by_role("link", name="请选择手持身份证照。").click()
    assert page.evaluate("document.activeElement.name") == "handheld"
    assert_accessible(page)
    screenshot(page, artifacts_dir, "identity-missing-photos-360")


def tab_until(page, accessible_check, limit=40):
    """Press Tab from the top of the page until the check holds; return how many presses it took."""
    page.locator("body").focus()
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(accessible_check):
            return presses
    raise AssertionError(f"not reached in {limit} Tab presses")


def test_the_home_sign_in_box_comes_first_on_the_phone_in_reading_and_tab_order(browser, live_server, artifacts_dir):
    from tests.factories import NoticeFactory

    for number in range(1, 20):
        NoticeFactory(title=f"重要提示第{number}号")
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.goto(live_server.url + "/")
        presses = tab_until(page, "document.activeElement.name === 'username'")
        assert presses == 4  # skip link, the site title, 系统首页, then 身份证号或准考证号 (was the 22nd)
        login_box = page.get_by_role("heading", name="考生登录").bounding_box()
        notices_box = page.get_by_role("heading", name="重要提示").bounding_box()
        if width == 360:
            assert login_box["y"] < notices_box["y"]  # shown first on a phone
            assert page.locator(".portal-url").inner_text() == "zikao.sxkszx.cn"  # not in capitals
            screenshot(page, artifacts_dir, "home-360")
        else:
            assert login_box["x"] > notices_box["x"]  # on the right on a desktop
        context.close()


SMALL_TARGETS = """() => {
  const small = [];
  document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary").forEach(el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === "hidden" || box.right < 0) { return; }
    if (el.closest(".portal-honeypot") || el.matches(".visually-hidden-focusable:not(:focus)")) { return; }
    // A link inside a sentence is exempt (WCAG 2.5.8 "inline"); so is a radio or
    // checkbox whose label is the larger target beside it.
    const parent = el.parentElement;
    if (el.tagName === "A" && ["P", "LI", "TD", "DD", "SPAN", "SMALL"].includes(parent.tagName)
        && parent.textContent.trim() !== el.textContent.trim()) { return; }
    if ((el.type === "radio" || el.type === "checkbox") && el.labels && el.labels.length) { return; }
    if (box.width < 24 || box.height < 24) {
      small.push(`${el.tagName} "${(el.textContent || el.name || "").trim()}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  });
  return small;
}"""


def test_every_control_a_candidate_meets_is_at_least_24_px(phone_page, live_server):
    from tests.factories import BusinessWindowFactory, NoticeFactory

    page = phone_page
    notice = NoticeFactory(title="山西省2026年高等教育自学考试报考简章")
    public = ["/", "/accounts/login/", "/register/", "/register/new/", "/register/enrolled/", "/accounts/ticket-number/",
              "/accounts/password/reset/", "/notices/", f"/notices/{notice.pk}/", "/points/"]
    for path in public:
        page.goto(live_server.url + path)
        assert page.evaluate(SMALL_TARGETS) == [], path
    captcha_mark = page.goto(live_server.url + "/accounts/login/") and page.locator(
        "label[for=id_captcha_1]").evaluate("el => el.previousElementSibling.textContent")
    assert captcha_mark == "*"  # 验证码 is marked required like the other fields

    BusinessWindowFactory(title="2026年下半年省内转考")
    candidate = CandidateFactory(approved=True, name="张伟", county=county("140105"))
    force_sign_in(page, live_server, candidate.user)
    for path in ["/center/", "/center/profile/", "/accounts/password/", "/transfers/in-province/apply/"]:
        page.goto(live_server.url + path)
        assert page.evaluate(SMALL_TARGETS) == [], path


def step_looks(page):
    """Each step box's text and background colour, in order."""
    return page.locator("ol.steps li").evaluate_all(
        "items => items.map(li => [li.textContent.trim(), getComputedStyle(li).backgroundColor,"
        " getComputedStyle(li, '::after').content])"
    )


def test_steps_show_where_the_candidate_is_on_the_transfer_form_and_check_answers(phone_page, live_server,
                                                                                  artifacts_dir):
    from tests.factories import BusinessWindowFactory

    page = phone_page
    BusinessWindowFactory(title="2026年下半年省内转考")
    candidate = CandidateFactory(approved=True, name="张伟", county=county("140105"))
    force_sign_in(page, live_server, candidate.user)
    page.goto(live_server.url + "/transfers/in-province/apply/")
    (first, first_bg, _), (_, second_bg, _), (_, third_bg, _) = step_looks(page)
    assert first == "填写转入市"
    assert first_bg == "rgb(11, 74, 139)"  # the current step filled in the portal's blue
    assert second_bg != first_bg and third_bg != first_bg
    screenshot(page, artifacts_dir, "transfers-apply-steps-360")

    page.get_by_label("转入市").select_option(label="长治市")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("确认转考信息无误后提交申请")).to_be_visible()
    done, current, to_come = step_looks(page)
    assert current[0] == "确认信息" and current[1] == "rgb(11, 74, 139)"
    assert done[1] != current[1] and done[2] == '" ✓"'  # the step already done is ticked
    assert to_come[1] != current[1] and to_come[2] in ("none", "normal")
    assert page.locator("ol.steps li[aria-current=step]").inner_text() == "确认信息"
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfers-confirm-steps-360")


def test_empty_photo_boxes_stay_compact_until_a_photo_is_chosen(phone_page, live_server, artifacts_dir, tmp_path):
    from PIL import Image

    page = phone_page
    candidate = CandidateFactory(name="李娜", county=county("140105"))
    force_sign_in(page, live_server, candidate.user)
    page.goto(live_server.url + "/identity/")
    boxes = page.locator("[data-preview-for]")
    assert boxes.count() == 3
    for index in range(3):
        assert boxes.nth(index).bounding_box()["height"] < 50
    submit_top = page.get_by_role("button", name="提交照片").bounding_box()["y"]
    assert submit_top < 2.5 * 780  # within about two and a half phone screens (three 4:3 boxes made it four)
    photo = tmp_path / "headshot.jpg"
    Image.new("RGB", (600, 800), (40, 90, 200)).save(photo, "JPEG")
    page.locator("input[name=headshot]").set_input_files(str(photo))
    expect(page.locator("[data-preview-for=headshot] img")).to_be_visible()
    assert boxes.nth(0).bounding_box()["height"] > 150  # the chosen photo is shown large enough to check
    assert boxes.nth(1).bounding_box()["height"] < 50
    assert_accessible(page)
    screenshot(page, artifacts_dir, "identity-compact-360")


def test_admin_list_is_readable_at_1280_and_the_receiving_city_is_told_an_application_waits(
    browser, live_server, artifacts_dir
):
    import uuid

    from candidates.models import OfficerScope
    from tests.e2e.helpers import admin_page
    from tests.factories import BusinessWindowFactory, OfficerFactory, city
    from transfers import services

    BusinessWindowFactory()
    OfficerFactory(username="taiyuan-a11y", scope__level=OfficerScope.Level.CITY, scope__city=city("1401"))
    OfficerFactory(username="datong-a11y", scope__level=OfficerScope.Level.CITY, scope__city=city("1402"))
    waiting = None
    for name in ["王芳", "欧阳春晓", "李四"]:
        candidate = CandidateFactory(approved=True, name=name, county=county("140105"))
        application, _ = services.submit_transfer(candidate=candidate, to_city=city("1402"), token=uuid.uuid4())
        waiting = waiting or application

    # 太原 (original city): the list's columns fit and read on one line each.
    page = admin_page(browser, live_server, "taiyuan-a11y")
    page.goto(f"{live_server.url}/admin/transfers/transferapplication/")
    screenshot(page, artifacts_dir, "transfers-admin-list-1280")
    for column in ["submitted_at", "state_text"]:
        cells = page.locator(f"#result_list td.field-{column}")
        assert cells.count() == 3
        for index in range(3):
            cell = cells.nth(index)
            assert cell.evaluate("el => el.scrollWidth <= el.clientWidth"), column  # nothing cut
            assert cell.bounding_box()["height"] < 40, column  # one line, not a tall narrow column
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfers-admin-list-1280")
    page.context.close()

    # 大同 (receiving city) opens it before 太原 released it: told why, not "已经被删除".
    page = admin_page(browser, live_server, "datong-a11y")
    page.goto(f"{live_server.url}/admin/transfers/transferapplication/{waiting.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("该申请尚待原属地市审核")
    assert "删除" not in page.locator(".messagelist").inner_text()
    page.context.close()


def test_after_withdrawing_the_candidate_can_apply_again_from_the_details_page(phone_page, live_server, artifacts_dir):
    import uuid

    from tests.factories import BusinessWindowFactory, city
    from transfers import services

    page = phone_page
    BusinessWindowFactory(title="2026年下半年省内转考")
    candidate = CandidateFactory(approved=True, name="张伟", county=county("140105"))
    application, _ = services.submit_transfer(candidate=candidate, to_city=city("1404"), token=uuid.uuid4())
    force_sign_in(page, live_server, candidate.user)
    page.goto(f"{live_server.url}/transfers/{application.number}/")
    expect(page.get_by_role("link", name="返回个人中心")).to_have_attribute("href", "/center/")
    assert page.get_by_role("link", name="返回首页").count() == 0
    page.get_by_role("link", name="撤销申请").click()
    page.get_by_role("button", name="确认撤销").click()
    expect(page.get_by_role("alert").filter(has_text="可以重新申请")).to_be_visible()
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfers-withdrawn-360")
    page.get_by_role("link", name="重新申请省内转考").click()
    expect(page.get_by_role("heading", name="省内转考申请信息填报")).to_be_visible()


def test_points_page_on_a_phone_opens_on_the_candidates_city_and_searches_counties(phone_page, live_server,
                                                                                    artifacts_dir):
    page = phone_page
    page.goto(live_server.url + "/points/")
    # Anonymous: the cities collapsed, a couple of screens instead of 27.
    assert page.evaluate("document.documentElement.scrollHeight") < 2 * 780
    page.get_by_text("大同市（", exact=False).click()
    expect(page.get_by_text("大同市平城区招生考试办公室")).to_be_visible()
    assert_accessible(page)
    screenshot(page, artifacts_dir, "points-collapsed-360")

    page.get_by_label("按区县名称查找").fill("小店")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("太原市小店区招生考试办公室")).to_be_visible()
    assert page.get_by_text("太原市迎泽区招生考试办公室").count() == 0
    assert_accessible(page)

    candidate = CandidateFactory(approved=True, name="张伟", county=county("140213"))
    force_sign_in(page, live_server, candidate.user)
    page.goto(live_server.url + "/points/")
    expect(page.get_by_label("按地市筛选")).to_have_value("1402")
    expect(page.get_by_text("大同市平城区招生考试办公室")).to_be_visible()
    assert page.get_by_text("太原市小店区招生考试办公室").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    screenshot(page, artifacts_dir, "points-own-city-360")


SITE = " - 山西自学考试信息服务平台"


def test_every_candidate_page_and_error_state_passes_axe_with_a_page_title(phone_page, live_server, artifacts_dir):
    """axe-core on every candidate page at 360 px, error states included: 0 serious or critical."""
    import uuid

    from tests.factories import BusinessWindowFactory, NoticeFactory, city
    from transfers import services

    page = phone_page
    notice = NoticeFactory(title="山西省2026年高等教育自学考试报考简章")
    failures, titles = [], {}

    def scan(label, submit=None):
        if submit:
            page.locator(submit).first.click()
            page.wait_for_load_state("networkidle")
        title = page.title()
        titles[label] = title
        if not (title.endswith(SITE) and len(title) > len(SITE)):
            failures.append(f"{label}: title {title!r}")
        try:
            assert_accessible(page)
        except AssertionError as error:
            failures.append(f"{label}: {error}")

    def visit(path):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")

    captcha_submit = "main form:has(input[name=captcha_1]) button[type=submit]"
    for path in ["/", "/accounts/login/", "/register/", "/register/new/", "/register/enrolled/",
                 "/accounts/ticket-number/", "/accounts/password/reset/", "/notices/", "/notices/?category=news",
                 f"/notices/{notice.pk}/", "/points/", "/points/?city=1401", "/points/?q=小店", "/points/?q=没有"]:
        visit(path)
        scan(path)
        if page.locator(captcha_submit).count():
            scan(f"{path} (errors)", submit=captcha_submit)
    visit("/accounts/login/")
    page.locator("input[name=website]").fill("bot")
    scan("/accounts/login/ (honeypot)", submit=captcha_submit)

    BusinessWindowFactory(title="2026年下半年省内转考")
    newcomer = CandidateFactory(name="李娜", county=county("140105"))
    force_sign_in(page, live_server, newcomer.user)
    visit("/identity/")
    scan("/identity/")
    scan("/identity/ (nothing chosen)", submit="#identity-form button[type=submit]")
    page.context.clear_cookies()

    candidate = CandidateFactory(approved=True, name="张伟", county=county("140105"))
    force_sign_in(page, live_server, candidate.user)
    for path in ["/center/", "/center/profile/", "/accounts/password/", "/identity/", "/points/",
                 "/transfers/in-province/apply/"]:
        visit(path)
        scan(path)
    visit("/center/profile/")
    page.locator("input[name=mobile]").fill("12")
    scan("/center/profile/ (errors)", submit="main form button[type=submit]")
    visit("/accounts/password/")
    scan("/accounts/password/ (errors)", submit="main form button[type=submit]")
    visit("/transfers/in-province/apply/")
    scan("/transfers/in-province/apply/ (errors)", submit="main form button[name=action][value=review]")
    page.get_by_label("转入市").select_option(label="长治市")
    scan("/transfers/in-province/apply/ (check answers)", submit="main form button[name=action][value=review]")
    scan("/transfers/<number>/ (details)", submit="main form button[name=action][value=confirm]")
    page.get_by_role("link", name="撤销申请").click()
    scan("/transfers/<number>/withdraw/")
    scan("/transfers/<number>/ (withdrawn)", submit="main form button[type=submit]")

    other = CandidateFactory(approved=True, name="王芳", county=county("140106"))
    refused, _ = services.submit_transfer(candidate=other, to_city=city("1402"), token=uuid.uuid4())
    page.context.clear_cookies()
    force_sign_in(page, live_server, other.user)
    visit(f"/transfers/{refused.number}/")
    scan("/transfers/<number>/ (waiting)")

    assert not failures, "\n".join(failures)
    assert titles["/"] == "系统首页" + SITE and titles["/accounts/login/"] == "考生登录" + SITE
