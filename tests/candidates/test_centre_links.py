"""The centre shows the truth: with every business window open, each 快捷入口 entry links to a
working page of its business and each 查询中心 entry to a real page; no placeholder remains."""

import datetime
import re

import pytest
from django.utils import timezone

from candidates import demo as candidates_demo
from candidates.models import Candidate
from exams import demo as exams_demo
from exams import practical_demo
from records import demo as records_demo
from transfers import out_demo
from zikao import demo as zikao_demo
from zikao.models import BusinessWindow
from zikao.selectors import current_window

pytestmark = pytest.mark.django_db
PLACEHOLDER_TEXTS = ("尚未开通", "尚未在本平台开通", "暂未开通")


@pytest.fixture
def candidate():
    for module in (zikao_demo, candidates_demo, exams_demo, records_demo, practical_demo, out_demo):
        module.seed()
    now = timezone.now()
    for kind, label in BusinessWindow.Kind.choices:
        if current_window(kind, now=now) is None:
            BusinessWindow.objects.create(
                kind=kind, title=f"测试{label}", opens_at=now - datetime.timedelta(days=1),
                closes_at=now + datetime.timedelta(days=7),
            )
    # An approved candidate with a ticket number, a major and courses passed by examination.
    return Candidate.objects.get(ticket_number=out_demo.TICKET)


def centre_links(page):
    windows = page.split('id="windows-heading"')[1].split('id="query-heading"')[0]
    cards = re.findall(r'data-kind="([a-z_]+)">(.*?)</div>\s*</li>', windows, re.S)
    window_links = {kind: (re.findall(r'href="([^"]+)"', card) or [""])[0] for kind, card in cards}
    query = page.split('id="query-heading"')[1].split("</ul>")[0]
    query_links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', query)
    return window_links, [(label, url.replace("&amp;", "&")) for url, label in query_links]


def is_placeholder(response):
    templates = {template.name for template in response.templates if template.name}
    text = response.content.decode()
    return (
        "zikao/pending.html" in templates
        or any(path.startswith("/info/") for path, _status in response.redirect_chain)
        or response.request["PATH_INFO"].startswith("/info/")
        or any(phrase in text for phrase in PLACEHOLDER_TEXTS)
    )


def test_every_quick_entry_and_query_centre_link_leads_to_a_real_page(client, candidate):
    client.force_login(candidate.user)
    page = client.get("/center/").content.decode()
    window_links, query_links = centre_links(page)

    assert sorted(window_links) == sorted(BusinessWindow.Kind.values)  # all six businesses shown
    failures = [f"快捷入口 {BusinessWindow.Kind(kind).label}: no link although its window is open"
                for kind, url in window_links.items() if not url]
    assert [label for label, _url in query_links] == [
        "合格成绩查询", "当次成绩查询", "报考简章", "专业计划查询", "准考证打印", "当次免考审核结果查询", "订单查询", "通知公告",
        "毕业合格条件查询",
    ]
    targets = [(f"快捷入口 {BusinessWindow.Kind(kind).label}", url) for kind, url in window_links.items() if url]
    targets += [(f"查询中心 {label}", url) for label, url in query_links]
    for label, url in targets:
        response = client.get(url, follow=True)
        if response.status_code != 200:
            failures.append(f"{label}: {url} answered {response.status_code}")
        elif is_placeholder(response):
            failures.append(f"{label}: {url} is a placeholder page")
    assert not failures, "\n".join(failures)
