import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import BusinessWindowFactory
from zikao.models import AuditEvent, BusinessWindow
from zikao.selectors import current_window, windows_by_kind

pytestmark = pytest.mark.django_db
SHANGHAI = timezone.get_default_timezone()


def local(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_open_window_reads_times_in_shanghai_and_records_who():
    output = run("open_window", "in_province_transfer", "--start", "2027-03-01 09:00", "--end", "2027-03-10 17:00",
                 "--title", "2027年上半年省内转考")

    window = BusinessWindow.objects.get()
    assert window.opens_at == local(2027, 3, 1, 9, 0)
    assert window.closes_at == local(2027, 3, 10, 17, 0)
    assert window.title == "2027年上半年省内转考"
    assert "2027-03-01 09:00 至 2027-03-10 17:00" in output
    event = AuditEvent.objects.get(action="open_window")
    assert event.actor_label.startswith("operator:")
    assert event.data["before"] is None
    assert event.data["after"]["title"] == "2027年上半年省内转考"


def test_open_window_accepts_the_chinese_label():
    run("open_window", "省内转考申请", "--start", "2027-03-01", "--end", "2027-03-02")
    assert BusinessWindow.objects.get().kind == BusinessWindow.Kind.IN_PROVINCE_TRANSFER


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no_such_kind", "--start", "2027-03-01", "--end", "2027-03-02"], "未知的业务类型"),
        (["exemption", "--start", "2027-03-05", "--end", "2027-03-01"], "结束时间必须晚于开始时间"),
        (["exemption", "--start", "2027-03-05", "--end", "2027-03-05"], "结束时间必须晚于开始时间"),
        (["exemption", "--start", "next monday", "--end", "2027-03-01"], "无法识别 --start 的时间"),
        (["exemption", "--start", "2027-02-30 10:00", "--end", "2027-03-01"], "无法识别 --start 的时间"),
    ],
)
def test_open_window_refuses_bad_input_and_changes_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run("open_window", *args)
    assert not BusinessWindow.objects.exists()
    assert not AuditEvent.objects.exists()


def test_open_window_refuses_an_overlapping_window_of_the_same_kind():
    run("open_window", "exemption", "--start", "2027-03-01", "--end", "2027-03-10")
    with pytest.raises(CommandError, match="时间重叠"):
        run("open_window", "exemption", "--start", "2027-03-09", "--end", "2027-03-20")
    # Another kind, or touching end to start, is fine.
    run("open_window", "graduation", "--start", "2027-03-09", "--end", "2027-03-20")
    run("open_window", "exemption", "--start", "2027-03-10", "--end", "2027-03-20")
    assert BusinessWindow.objects.count() == 3


def test_close_window_by_kind_closes_the_open_one_now():
    window = BusinessWindowFactory(opens_at=local(2027, 3, 1, 9), closes_at=local(2027, 3, 10, 17))
    with time_machine.travel(local(2027, 3, 5, 12, 30), tick=False):
        output = run("close_window", "in_province_transfer")
        window.refresh_from_db()
        assert window.closes_at == local(2027, 3, 5, 12, 30)
        assert current_window(BusinessWindow.Kind.IN_PROVINCE_TRANSFER) is None
    assert "已关闭窗口" in output
    event = AuditEvent.objects.get(action="close_window")
    assert event.from_state == "open"
    assert event.data["before"]["closes_at"] != event.data["after"]["closes_at"]


def test_close_window_by_id_at_a_later_time():
    window = BusinessWindowFactory(opens_at=local(2027, 3, 1, 9), closes_at=local(2027, 3, 10, 17))
    with time_machine.travel(local(2027, 3, 5, 12), tick=False):
        run("close_window", str(window.pk), "--at", "2027-03-06 18:00")
        window.refresh_from_db()
        assert window.closes_at == local(2027, 3, 6, 18)
        assert window.is_open()


def test_close_window_refusals():
    window = BusinessWindowFactory(opens_at=local(2027, 3, 1, 9), closes_at=local(2027, 3, 10, 17))
    with time_machine.travel(local(2027, 3, 12), tick=False):
        with pytest.raises(CommandError, match="已于 2027-03-10 17:00 结束"):
            run("close_window", str(window.pk))
        with pytest.raises(CommandError, match="当前没有进行中的窗口"):
            run("close_window", "in_province_transfer")
    with pytest.raises(CommandError, match="没有编号为 999 的窗口"):
        run("close_window", "999")
    with pytest.raises(CommandError, match="未知的业务类型"):
        run("close_window", "nonsense")


def test_list_windows_shows_state_in_shanghai_time():
    BusinessWindowFactory(title="转考", opens_at=local(2027, 3, 1, 9), closes_at=local(2027, 3, 10, 17))
    BusinessWindowFactory(kind="exemption", title="免考", opens_at=local(2027, 4, 1, 9), closes_at=local(2027, 4, 2, 9))
    with time_machine.travel(local(2027, 3, 2), tick=False):
        output = run("list_windows")
        only = run("list_windows", "--kind", "exemption")
    assert "转考" in output and "[进行中]" in output and "[未开始]" in output
    assert "2027-03-01 09:00" in output
    assert "转考" not in only and "共 1 个窗口" in only


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        ((2027, 3, 1, 8, 59, 59), False),
        ((2027, 3, 1, 9, 0, 0), True),
        ((2027, 3, 10, 16, 59, 59), True),
        ((2027, 3, 10, 17, 0, 0), False),
    ],
)
def test_window_edges(moment, is_open):
    BusinessWindowFactory(opens_at=local(2027, 3, 1, 9), closes_at=local(2027, 3, 10, 17))
    with time_machine.travel(local(*moment), tick=False):
        assert (current_window(BusinessWindow.Kind.IN_PROVINCE_TRANSFER) is not None) is is_open


def test_windows_by_kind_prefers_open_then_next_then_last(django_assert_num_queries):
    BusinessWindowFactory(title="旧转考", opens_at=local(2026, 3, 1), closes_at=local(2026, 3, 10))
    BusinessWindowFactory(title="本次转考", opens_at=local(2027, 3, 1), closes_at=local(2027, 3, 10))
    BusinessWindowFactory(kind="exemption", title="下次免考", opens_at=local(2027, 5, 1), closes_at=local(2027, 5, 10))
    BusinessWindowFactory(kind="exemption", title="再下次免考", opens_at=local(2027, 9, 1), closes_at=local(2027, 9, 10))
    BusinessWindowFactory(kind="graduation", title="上次毕业", opens_at=local(2026, 1, 1), closes_at=local(2026, 1, 10))
    BusinessWindowFactory(kind="graduation", title="更早毕业", opens_at=local(2025, 1, 1), closes_at=local(2025, 1, 10))
    with time_machine.travel(local(2027, 3, 2), tick=False), django_assert_num_queries(1):
        chosen = windows_by_kind()
    assert chosen["in_province_transfer"].title == "本次转考"
    assert chosen["exemption"].title == "下次免考"
    assert chosen["graduation"].title == "上次毕业"
    assert chosen["theory_registration"] is None
    assert list(chosen) == list(BusinessWindow.Kind.values)


def test_windows_are_read_only_in_admin(admin_client):
    window = BusinessWindowFactory()
    page = admin_client.get(f"/admin/zikao/businesswindow/{window.pk}/change/")
    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert admin_client.get("/admin/zikao/businesswindow/add/").status_code == 403
