import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, collect_offsite_requests, screenshot
from tests.factories import NoticeFactory
from zikao.models import Notice

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def notices():
    now = timezone.now()
    for days in range(1, 5):
        NoticeFactory(title=f"山西省高等教育自学考试重要提示第{days}号", published_at=now - datetime.timedelta(days=days))
        NoticeFactory(category=Notice.Category.NEWS, title=f"自考资讯第{days}期", published_at=now - datetime.timedelta(days=days))


@pytest.mark.parametrize("width", [360, 1280])
def test_home_page_layout_at_phone_and_desktop_width(browser, live_server, notices, artifacts_dir, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    offsite = collect_offsite_requests(page, live_server.url)

    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")

    assert page.locator(".portal-title").inner_text() == "山西自学考试信息服务平台"
    assert "今天是：" in page.locator(".portal-today").inner_text()
    expect(page.get_by_role("heading", name="重要提示")).to_be_visible()
    expect(page.get_by_role("heading", name="自考资讯")).to_be_visible()
    expect(page.get_by_text("山西省高等教育自学考试重要提示第1号")).to_be_visible()
    expect(page.get_by_label("身份证号或准考证号")).to_be_visible()
    expect(page.locator("img.captcha")).to_be_visible()
    # Nothing sticks out sideways on a phone.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width
    # Bootstrap and the portal's CSS really loaded from the portal itself: the
    # motto is hidden on phones by Bootstrap's d-none d-md-inline.
    motto_display = page.evaluate("getComputedStyle(document.querySelector('.portal-motto')).display")
    assert (motto_display == "none") == (width < 768)
    assert "linear-gradient" in page.evaluate("getComputedStyle(document.querySelector('.portal-header')).backgroundImage")
    assert offsite == []
    screenshot(page, artifacts_dir, f"home-{width}")
    context.close()


@pytest.mark.parametrize("path", ["/", "/notices/", "/notices/?category=news", "/points/", "/points/?city=1402"])
def test_public_pages_pass_axe(phone_page, live_server, notices, path):
    phone_page.goto(live_server.url + path)
    assert_accessible(phone_page)


def test_notice_detail_passes_axe(phone_page, live_server, notices, artifacts_dir):
    notice = Notice.objects.first()
    phone_page.goto(f"{live_server.url}/notices/{notice.pk}/")
    expect(phone_page.get_by_role("heading", name=notice.title)).to_be_visible()
    assert_accessible(phone_page)
    screenshot(phone_page, artifacts_dir, "notice-detail-360")


def test_points_page_on_a_phone(phone_page, live_server, artifacts_dir):
    phone_page.goto(live_server.url + "/points/")
    phone_page.get_by_label("按地市筛选").select_option(label="大同市")
    phone_page.get_by_role("button", name="查询").click()
    expect(phone_page.get_by_text("大同市平城区招生考试办公室")).to_be_visible()
    assert phone_page.get_by_text("太原市小店区招生考试办公室").count() == 0
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone_page, artifacts_dir, "points-360")
