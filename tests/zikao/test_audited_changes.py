"""State changes of the base app and officer accounts: each goes through a service, refuses with a
DomainError code, and leaves an audit event with its Chinese label."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import OfficerScope
from candidates.registry import RegistryFileError, parse
from candidates.services import AccountError, create_officer
from tests.factories import NoticeFactory, OfficerFactory, UserFactory, county
from zikao import services
from zikao.audit import AuditAction, events_of
from zikao.errors import DomainError
from zikao.models import AuditEvent, Notice, RegistrationPoint

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "made_up", "opens_at": NOW, "closes_at": NOW + datetime.timedelta(days=1)}, "unknown_kind"),
        ({"kind": "exemption", "opens_at": NOW, "closes_at": NOW}, "ends_before_start"),
    ],
)
def test_open_window_refusals_carry_codes(kwargs, code):
    with pytest.raises(services.WindowError) as raised:
        services.open_window(actor_label="operator:test", **kwargs)
    assert raised.value.code == code
    assert isinstance(raised.value, DomainError)


def test_overlapping_and_closing_refusals_carry_codes():
    window = services.open_window(
        kind="exemption", opens_at=NOW, closes_at=NOW + datetime.timedelta(days=3), actor_label="operator:test"
    )
    with pytest.raises(services.WindowError) as raised:
        services.open_window(
            kind="exemption", opens_at=NOW + datetime.timedelta(days=1), closes_at=NOW + datetime.timedelta(days=5),
            actor_label="operator:test",
        )
    assert raised.value.code == "overlap"
    with pytest.raises(services.WindowError) as raised:
        services.close_window(window_id=window.pk + 1000, actor_label="operator:test")
    assert raised.value.code == "not_found"
    with pytest.raises(services.WindowError) as raised:
        services.close_window(window_id=window.pk, at=NOW - datetime.timedelta(hours=1), actor_label="operator:test")
    assert raised.value.code == "close_before_open"
    services.close_window(window_id=window.pk, at=NOW + datetime.timedelta(hours=1), actor_label="operator:test")
    with pytest.raises(services.WindowError) as raised:
        services.close_window(window_id=window.pk, at=NOW + datetime.timedelta(hours=2), actor_label="operator:test")
    assert raised.value.code == "already_closed"


def test_create_officer_refuses_a_taken_username_with_a_code():
    create_officer(username="wang", password="Zhaokao2026office", level=OfficerScope.Level.PROVINCE,
                   actor_label="operator:test")
    with pytest.raises(AccountError) as raised:
        create_officer(username="wang", password="Zhaokao2026office", level=OfficerScope.Level.CITY,
                       actor_label="operator:test")
    assert raised.value.code == "username_taken"
    assert OfficerScope.objects.filter(user__username="wang").count() == 1


def test_registry_file_errors_carry_codes():
    with pytest.raises(RegistryFileError) as raised:
        parse(b"  ")
    assert raised.value.code == "empty"
    with pytest.raises(RegistryFileError) as raised:
        parse("姓名,准考证号\n张三,010519100001\n".encode())
    assert raised.value.code == "missing_columns"


def test_notice_publish_edit_and_delete_in_admin_are_audited(client):
    officer = OfficerFactory(scope__level="province")
    client.force_login(officer)
    form = {
        "category": "important", "title": "2027年上半年报考简章", "body": "正文",
        "published_at_0": "2027-01-05", "published_at_1": "09:00:00",
    }
    assert client.post(reverse("admin:zikao_notice_add"), form).status_code == 302
    notice = Notice.objects.get(title="2027年上半年报考简章")
    assert notice.created_by == officer

    form["title"] = "2027年上半年报考简章（修订）"
    assert client.post(reverse("admin:zikao_notice_change", args=[notice.pk]), form).status_code == 302
    assert client.post(reverse("admin:zikao_notice_delete", args=[notice.pk]), {"post": "yes"}).status_code == 302
    assert not Notice.objects.exists()

    events = list(AuditEvent.objects.filter(object_type="zikao.notice", object_id=str(notice.pk)).order_by("id"))
    assert [event.action for event in events] == [
        AuditAction.PUBLISH_NOTICE, AuditAction.UPDATE_NOTICE, AuditAction.DELETE_NOTICE,
    ]
    assert all(event.actor == officer for event in events)
    assert "title" in events[1].data["fields"]
    assert events[2].data["title"] == "2027年上半年报考简章（修订）"


def test_deleting_notices_in_bulk_audits_each(client):
    officer = OfficerFactory(scope__level="province")
    client.force_login(officer)
    notices = NoticeFactory.create_batch(2)
    response = client.post(
        reverse("admin:zikao_notice_changelist"),
        {"action": "delete_selected", "_selected_action": [n.pk for n in notices], "post": "yes"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.DELETE_NOTICE).count() == 2


def test_registration_point_edit_is_audited_with_before_and_after(client):
    officer = OfficerFactory(scope__level="county", scope__county=county("140105"))
    client.force_login(officer)
    point = RegistrationPoint.objects.get(county_id="140105")
    old_phone = point.phone
    client.post(
        reverse("admin:zikao_registrationpoint_change", args=[point.pk]),
        {"name": point.name, "address": point.address, "phone": "0351-7654321", "office_hours": point.office_hours},
    )
    (event,) = events_of(point)
    assert event.action == AuditAction.UPDATE_REGISTRATION_POINT
    assert event.actor == officer
    assert event.data == {"before": {"phone": old_phone}, "after": {"phone": "0351-7654321"}}


def test_audit_admin_lists_actions_by_their_chinese_labels(client):
    services.open_window(
        kind="exemption", opens_at=NOW, closes_at=NOW + datetime.timedelta(days=3), actor_label="operator:test"
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:zikao_auditevent_changelist")).content.decode()
    assert "开放业务窗口" in page
    filtered = client.get(reverse("admin:zikao_auditevent_changelist"), {"action": "close_window"}).content.decode()
    assert "开放业务窗口</td>" not in filtered
