import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import NoticeFactory
from zikao.models import Notice

pytestmark = pytest.mark.django_db


def test_home_shows_both_notice_lists_newest_first_with_dates(client):
    now = timezone.now()
    NoticeFactory(title="较早的重要提示", published_at=now - datetime.timedelta(days=3))
    NoticeFactory(title="最新的重要提示", published_at=now - datetime.timedelta(days=1))
    NoticeFactory(category=Notice.Category.NEWS, title="一条自考资讯", published_at=now - datetime.timedelta(days=2))

    page = client.get(reverse("home")).content.decode()

    assert page.index("最新的重要提示") < page.index("较早的重要提示")
    assert "一条自考资讯" in page
    assert f"{timezone.localtime(now - datetime.timedelta(days=1)):%Y-%m-%d}" in page
    assert "更多..." in page


def test_home_hides_notices_published_in_the_future(client):
    NoticeFactory(title="明天才发布的公告", published_at=timezone.now() + datetime.timedelta(days=1))
    assert "明天才发布的公告" not in client.get(reverse("home")).content.decode()


def test_home_has_login_box_and_link_row(client):
    page = client.get(reverse("home")).content.decode()
    for label in ["身份证号或准考证号", "登录密码", "验证码", ">换</button>", "登录", "忘记密码", "首次登录平台考生须进行",
                  "考生注册", "报考简章", "专业计划", "课程考试安排", "找回准考证号", "2001年后历次合格课程查询",
                  "课程教材", "政策规定", "自考咨询", "表格下载"]:
        assert label in page, label


def test_header_shows_today_in_shanghai(client):
    page = client.get(reverse("home")).content.decode()
    today = timezone.localdate()
    weekday = "一二三四五六日"[today.weekday()]
    assert f"今天是：{today:%Y年%m月%d日} 星期{weekday}" in page
    assert "学习改变命运，自考成就梦想！" in page
    assert "版权所有：山西省招生考试管理中心" in page


@pytest.mark.parametrize(("name", "page_name"), [
    ("home", "系统首页"), ("login", "考生登录"), ("register", "考生注册"), ("register_new", "新考生注册"),
    ("register_enrolled", "在籍考生注册"), ("ticket_number", "找回准考证号"), ("password_reset", "忘记密码"),
    ("points", "报名点查询"), ("notice_list", "全部公告"),
])
def test_page_titles_name_the_page_then_the_site(client, name, page_name):
    import re

    title = re.search(r"<title>(.*?)</title>", client.get(reverse(name)).content.decode(), re.S).group(1)
    assert title == f"{page_name} - 山西自学考试信息服务平台"


def test_the_header_shows_the_site_address_in_lower_case(client):
    page = client.get(reverse("home")).content.decode()
    assert '<p class="portal-url mb-0">zikao.sxkszx.cn</p>' in page
    assert "HTTP://ZIKAO" not in page
