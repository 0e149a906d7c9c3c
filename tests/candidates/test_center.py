"""个人中心: profile, 快捷入口 windows in each state, 查询中心, messages, edits, who may enter."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate
from tests.factories import (
    BusinessWindowFactory,
    CandidateFactory,
    CandidateMessageFactory,
    OfficerFactory,
)
from zikao.models import AuditEvent, BusinessWindow

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=SHANGHAI)
Kind = BusinessWindow.Kind


@pytest.fixture
def signed_in(client, approved):
    client.force_login(approved.user)
    return approved


def card(page, kind):
    match = re.search(rf'data-kind="{kind}">(.*?)</li>', page, re.S)
    assert match, kind
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_profile_table_as_in_the_seed(client, signed_in):
    signed_in.email = "zhang@example.com"
    signed_in.save()
    page = client.get(reverse("center")).content.decode()
    labels = re.findall(r'<th scope="row">(.*?)</th>', page)
    assert labels == ["姓名", "身份证号", "准考证号", "性别", "民族", "户口性质", "文化程度", "职业", "政治面貌",
                      "手机号", "报名区县", "电子邮箱"]
    masked = signed_in.id_number[:6] + "********" + signed_in.id_number[-4:]
    assert f"<td>{masked}</td>" in page
    assert signed_in.id_number not in page
    for value in [signed_in.name, signed_in.ticket_number, "男", "汉族", "非农业户口", "高中（中专、技校）", "企业职员",
                  "群众", signed_in.mobile, "太原市小店区", "zhang@example.com"]:
        assert value in page, value
    assert f'href="{reverse("password_change")}"' in page
    assert re.search(rf'<form method="post" action="{reverse("logout")}">', page)


def test_masked_id_number_with_an_x(client):
    candidate = CandidateFactory(approved=True, id_number="14010519900101018X", gender="F")
    client.force_login(candidate.user)
    assert "140105********018X" in client.get(reverse("center")).content.decode()


@time_machine.travel(NOW, tick=False)
def test_windows_in_each_state(client, signed_in):
    BusinessWindowFactory(kind=Kind.THEORY_REGISTRATION, title="2026年上半年理论课报名",
                          opens_at=NOW + datetime.timedelta(days=2), closes_at=NOW + datetime.timedelta(days=9))
    BusinessWindowFactory(kind=Kind.IN_PROVINCE_TRANSFER, title="2026年上半年省内转考",
                          opens_at=NOW - datetime.timedelta(days=1), closes_at=NOW + datetime.timedelta(days=6))
    BusinessWindowFactory(kind=Kind.EXEMPTION, title="2025年下半年免考申请",
                          opens_at=datetime.datetime(2025, 9, 1, 9, 0, tzinfo=SHANGHAI),
                          closes_at=datetime.datetime(2025, 9, 10, 17, 0, tzinfo=SHANGHAI))
    page = client.get(reverse("center")).content.decode()

    theory = card(page, Kind.THEORY_REGISTRATION)
    assert "未开始" in theory and "开始：2026-03-12 12:00" in theory and "结束：2026-03-19 12:00" in theory
    transfer = card(page, Kind.IN_PROVINCE_TRANSFER)
    assert "进行中" in transfer and "开始：2026-03-09 12:00" in transfer
    exemption = card(page, Kind.EXEMPTION)
    assert "已结束" in exemption and "开始：2025-09-01 09:00" in exemption and "结束：2025-09-10 17:00" in exemption
    for kind in [Kind.INTER_PROVINCE_TRANSFER_OUT, Kind.PRACTICAL_REGISTRATION, Kind.GRADUATION]:
        assert "未开放" in card(page, kind) and "开始：—" in card(page, kind)
    labels = re.findall(r'data-kind="(\w+)"', page)
    assert labels == [k.value for k in [Kind.THEORY_REGISTRATION, Kind.IN_PROVINCE_TRANSFER,
                                       Kind.INTER_PROVINCE_TRANSFER_OUT, Kind.EXEMPTION,
                                       Kind.PRACTICAL_REGISTRATION, Kind.GRADUATION]]
    for label in ["理论课报名", "省内转考申请", "省际转出申请", "免考申请", "实践性环节报名", "毕业申请"]:
        assert label in page


def test_times_are_shown_in_shanghai_time(client, signed_in):
    opens = datetime.datetime(2026, 4, 1, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Shanghai
    BusinessWindowFactory(kind=Kind.GRADUATION, opens_at=opens, closes_at=opens + datetime.timedelta(days=3))
    assert "2026-04-01 09:30" in card(client.get(reverse("center")).content.decode(), Kind.GRADUATION)


def test_transfer_is_clickable_only_while_open(client, signed_in):
    window = BusinessWindowFactory(kind=Kind.IN_PROVINCE_TRANSFER)
    link = f'href="{reverse("transfer_apply")}"'

    def center_at(moment):
        with time_machine.travel(moment, tick=False):
            client.force_login(signed_in.user)  # sessions end after 30 idle minutes
            return client.get(reverse("center")).content.decode()

    assert link not in center_at(window.opens_at - datetime.timedelta(minutes=1))
    assert link in center_at(window.opens_at)
    assert link in center_at(window.closes_at - datetime.timedelta(seconds=1))
    page = center_at(window.closes_at)
    assert link not in page and "已结束" in card(page, Kind.IN_PROVINCE_TRANSFER)


def test_query_centre_has_the_eight_entries_leading_to_real_pages(client, signed_in):
    page = client.get(reverse("center")).content.decode()
    section = page.split('id="query-heading"')[1].split("</section>")[0]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', section)
    assert [label for _, label in links] == ["合格成绩查询", "当次成绩查询", "报考简章", "专业计划查询", "准考证打印",
                                             "当次免考审核结果查询", "订单查询", "通知公告", "毕业合格条件查询"]
    for url, label in links:
        assert client.get(url.replace("&amp;", "&")).status_code == 200, label
    assert dict((label, url) for url, label in links)["报考简章"] == reverse("notice_list") + "?category=guide"


def test_only_own_messages_newest_first(client, signed_in):
    CandidateMessageFactory(candidate=signed_in, title="身份验证已通过", created_at=timezone.now() - datetime.timedelta(days=2))
    CandidateMessageFactory(candidate=signed_in, title="转考申请已受理", body="请等待转入市审核。", link="/center/")
    CandidateMessageFactory(title="别人的消息")
    page = client.get(reverse("center")).content.decode()
    assert page.index("转考申请已受理") < page.index("身份验证已通过")
    assert "请等待转入市审核。" in page
    assert "别人的消息" not in page


def test_no_messages(client, signed_in):
    assert "暂无消息" in client.get(reverse("center")).content.decode()


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("center")).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_windows_and_messages(client, signed_in, django_assert_max_num_queries):
    BusinessWindowFactory(kind=Kind.IN_PROVINCE_TRANSFER)
    CandidateMessageFactory(candidate=signed_in)
    few = count_queries(client)
    for kind in Kind.values:
        for offset in range(4):
            start = timezone.now() + datetime.timedelta(days=30 * offset - 40)
            BusinessWindowFactory(kind=kind, opens_at=start, closes_at=start + datetime.timedelta(days=10))
    for _ in range(40):
        CandidateMessageFactory(candidate=signed_in)
    with django_assert_max_num_queries(few):
        client.get(reverse("center"))
    assert few <= 9  # the centre also reads the latest 理论课报名 (one query)


@pytest.mark.parametrize("status", ["unverified", "checking", "needs_review", "rejected"])
@pytest.mark.parametrize("url_name", ["center", "center_profile"])
def test_unapproved_candidates_cannot_open_business_pages(client, status, url_name):
    candidate = CandidateFactory(identity_status=status)
    client.force_login(candidate.user)
    assert client.get(reverse(url_name))["Location"] == reverse("identity")
    assert client.post(reverse(url_name), {"mobile": "13900000000"})["Location"] == reverse("identity")


@pytest.mark.parametrize("url_name", ["center", "center_profile", "password_change"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response["Location"] == f"{reverse('login')}?next={reverse(url_name)}"


def test_staff_are_sent_to_the_admin(client):
    client.force_login(OfficerFactory())
    assert client.get(reverse("center"))["Location"] == reverse("admin:index")


@pytest.mark.parametrize("url_name", ["center", "center_profile", "password_change"])
def test_personal_pages_are_never_cached(client, signed_in, url_name):
    cache_control = client.get(reverse(url_name))["Cache-Control"]
    assert "no-store" in cache_control


def edit(client, **overrides):
    data = {"mobile": "13700000001", "email": "new@example.com", "occupation": "teacher",
            "education_level": "bachelor", **overrides}
    return client.post(reverse("center_profile"), data)


def test_edit_contact_details_occupation_and_education(client, signed_in):
    assert edit(client)["Location"] == reverse("center")
    signed_in.refresh_from_db()
    assert (signed_in.mobile, signed_in.email, signed_in.occupation, signed_in.education_level) == (
        "13700000001", "new@example.com", "teacher", "bachelor")
    event = AuditEvent.objects.get(action="update_candidate_profile")
    assert set(event.data["fields"]) == {"mobile", "email", "occupation", "education_level"}
    page = client.get(reverse("center")).content.decode()
    assert "个人信息已保存" in page and "教师" in page and "本科" in page


def test_name_id_number_and_gender_cannot_be_changed(client, signed_in):
    before = Candidate.objects.get(pk=signed_in.pk)
    edit(client, name="李四", id_number="14010519900101018X", gender="F")
    after = Candidate.objects.get(pk=signed_in.pk)
    assert (after.name, after.id_number, after.gender) == (before.name, before.id_number, before.gender)
    page = client.get(reverse("center_profile")).content.decode()
    assert 'name="name"' not in page and 'name="id_number"' not in page and 'name="gender"' not in page


def test_edit_rules(client, signed_in):
    page = edit(client, mobile="1234", email="bad@").content.decode()
    assert "手机号应为以1开头的11位数字" in page and "电子邮箱格式不正确" in page
    assert 'value="1234"' in page
    signed_in.refresh_from_db()
    assert signed_in.mobile != "1234"


def test_windows_are_rendered_once_and_shared_by_every_candidate(client, signed_in, django_assert_num_queries):
    BusinessWindowFactory(kind=Kind.IN_PROVINCE_TRANSFER, title="2026年上半年省内转考")
    first = count_queries(client)
    other = CandidateFactory(approved=True)
    client.force_login(other.user)
    assert count_queries(client) == first - 1  # no windows query: the block comes from the cache
    assert "2026年上半年省内转考" in card(client.get(reverse("center")).content.decode(), Kind.IN_PROVINCE_TRANSFER)


def test_an_operator_opening_or_closing_a_window_shows_at_once(client, signed_in, django_capture_on_commit_callbacks):
    from zikao import services

    assert "未开放" in card(client.get(reverse("center")).content.decode(), Kind.IN_PROVINCE_TRANSFER)  # cached
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        window = services.open_window(kind=Kind.IN_PROVINCE_TRANSFER, opens_at=now - datetime.timedelta(hours=1),
                                      closes_at=now + datetime.timedelta(days=5), actor_label="operator")
    page = client.get(reverse("center")).content.decode()
    assert "进行中" in card(page, Kind.IN_PROVINCE_TRANSFER)
    assert f'href="{reverse("transfer_apply")}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        services.close_window(window_id=window.pk, actor_label="operator")
    page = client.get(reverse("center")).content.decode()
    assert "已结束" in card(page, Kind.IN_PROVINCE_TRANSFER)
    assert f'href="{reverse("transfer_apply")}"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        window.delete()
    assert "未开放" in card(client.get(reverse("center")).content.decode(), Kind.IN_PROVINCE_TRANSFER)
