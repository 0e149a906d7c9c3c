import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import NoticeFactory
from zikao.models import Notice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "payload",
    [
        '<script>alert("x")</script><p>正文</p>',
        '<img src=x onerror="alert(1)"><p>正文</p>',
        '<p onclick="alert(1)">正文</p>',
        '<a href="javascript:alert(1)">点我</a><p>正文</p>',
        '<svg onload="alert(1)"></svg><p>正文</p>',
        '<iframe src="https://evil.example"></iframe><p>正文</p>',
    ],
)
def test_notice_body_is_rendered_without_script(client, payload):
    notice = NoticeFactory(body=payload)

    page = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()

    body = page.split('class="notice-body">', 1)[1].split("</div>", 1)[0]
    assert "正文" in body or "点我" in body
    for dangerous in ["<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<svg", "<img"]:
        assert dangerous not in body.lower()


def test_notice_body_keeps_safe_formatting(client):
    notice = NoticeFactory(body="<p>第一段</p><ol><li><strong>按时</strong>办理</li></ol>")
    page = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()
    assert "<ol><li><strong>按时</strong>办理</li></ol>" in page


def test_plain_text_body_keeps_its_paragraphs_and_is_escaped(client):
    notice = NoticeFactory(body="第一段\n\n第二段 a < b")
    page = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()
    assert "<p>第一段</p>" in page
    assert "第二段 a &lt; b" in page


def test_future_notice_is_not_found(client):
    notice = NoticeFactory(published_at=timezone.now() + datetime.timedelta(hours=2))
    assert client.get(reverse("notice_detail", args=[notice.pk])).status_code == 404
    assert notice.title not in client.get(reverse("notice_list")).content.decode()


def test_list_filters_by_category_and_paginates(client):
    now = timezone.now()
    for i in range(25):
        NoticeFactory(category=Notice.Category.NEWS, title=f"资讯{i:02d}", published_at=now - datetime.timedelta(minutes=i + 1))
    NoticeFactory(category=Notice.Category.POLICY, title="转考办法")

    first = client.get(reverse("notice_list"), {"category": "news"}).content.decode()
    second = client.get(reverse("notice_list"), {"category": "news", "page": 2}).content.decode()

    assert "资讯00" in first and "资讯19" in first and "资讯20" not in first
    assert "资讯20" in second and "资讯24" in second
    assert "转考办法" not in first
    assert "第 1 / 2 页" in first
    assert "下一页" in first


def test_unknown_category_and_page_fall_back_gracefully(client):
    NoticeFactory(title="一条公告")
    response = client.get(reverse("notice_list"), {"category": "<script>", "page": "abc"})
    assert response.status_code == 200
    assert "一条公告" in response.content.decode()


def test_forms_notice_offers_its_attachment(client, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    notice = NoticeFactory(category=Notice.Category.FORMS, title="转考申请表")
    notice.attachment.save("转考申请表.doc", SimpleUploadedFile("a.doc", b"doc"))

    page = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()

    assert "下载附件" in page
    link = reverse("notice_attachment", args=[notice.pk])  # served by the portal, whatever the storage
    assert link in page
    assert b"".join(client.get(link).streaming_content) == b"doc"


def test_every_home_link_leads_to_a_page(client):
    page = client.get(reverse("home")).content.decode()
    hrefs = set()
    for chunk in page.split('href="')[1:]:
        href = chunk.split('"', 1)[0].replace("&amp;", "&")
        if href.startswith("/") and not href.startswith("/static/") and not href.startswith("/captcha/"):
            hrefs.add(href)
    assert len(hrefs) >= 12
    for href in sorted(hrefs):
        assert client.get(href).status_code in (200, 302), href


def test_no_placeholder_page_remains(client):
    """自考咨询 is the registration points' phones; the old "not yet open" pages are gone."""
    home = client.get("/").content.decode()
    assert '<a href="/points/">自考咨询</a>' in home
    for path in ["/info/consulting/", "/info/scores/", "/info/admission-ticket/", "/info/business/"]:
        assert client.get(path).status_code == 404


def home_text(client):
    return client.get(reverse("home")).content.decode()


def count_home_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    return len(queries)


def test_home_notices_are_rendered_once_and_shared(client):
    NoticeFactory(category=Notice.Category.IMPORTANT, title="考试安排通知")
    first = count_home_queries(client)
    assert count_home_queries(client) < first  # the notice lists come from the cache
    assert "考试安排通知" in home_text(client)


def test_a_published_or_withdrawn_notice_shows_on_the_home_page_at_once(client, django_capture_on_commit_callbacks):
    assert "省内转考公告" not in home_text(client)  # cached from here on
    with django_capture_on_commit_callbacks(execute=True):
        notice = NoticeFactory(category=Notice.Category.IMPORTANT, title="省内转考公告")
    assert "省内转考公告" in home_text(client)
    with django_capture_on_commit_callbacks(execute=True):
        notice.delete()
    assert "省内转考公告" not in home_text(client)


def test_a_notice_written_for_later_appears_on_the_home_page_at_its_time(client):
    import time_machine

    start = timezone.now()
    NoticeFactory(category=Notice.Category.NEWS, title="成绩发布", published_at=start + datetime.timedelta(minutes=3))
    with time_machine.travel(start, tick=False) as traveller:
        assert "成绩发布" not in home_text(client)
        traveller.shift(179)
        assert "成绩发布" not in home_text(client)
        traveller.shift(1)
        assert "成绩发布" in home_text(client)
