"""考生注册 › 我是在籍考生: match the registry, set a password, then photo upload."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate
from candidates.services import AccountError, activate_enrolled_candidate
from tests.factories import CandidateFactory, EnrolledRecordFactory
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db

NOT_MATCHED = "未能完成核对"


@pytest.fixture
def record():
    return EnrolledRecordFactory(name="赵敏")


def lookup(client, captcha, id_number, name):
    return client.post(reverse("register_enrolled"), {"id_number": id_number, "name": name, **captcha()})


def set_password(client, password="Jinzhong2026", **extra):  # noqa: S107 — a test password
    data = {"mobile": "13912345678", "email": "", "password1": password, "password2": password, **extra}
    return client.post(reverse("register_enrolled_password"), data)


def test_match_then_password_creates_the_enrolled_account(client, captcha, record):
    response = lookup(client, captcha, record.id_number, "赵敏")
    assert response.status_code == 302
    assert response["Location"] == reverse("register_enrolled_password")
    # The ID number travels in neither the URL nor the session in clear.
    assert record.id_number not in response["Location"]
    assert all(record.id_number not in str(value) for value in client.session.values())

    page = client.get(reverse("register_enrolled_password")).content.decode()
    assert "赵敏" in page and record.ticket_number in page and "大同市" in page

    response = set_password(client, email="zhaomin@example.com")
    assert response["Location"] == reverse("identity")
    candidate = Candidate.objects.get(id_number=record.id_number)
    assert candidate.kind == Candidate.Kind.ENROLLED
    assert candidate.ticket_number == record.ticket_number
    assert candidate.county_id == record.county_id
    assert candidate.gender == "F"
    assert candidate.email == "zhaomin@example.com"
    assert candidate.identity_status == Candidate.IdentityStatus.UNVERIFIED
    assert candidate.user.check_password("Jinzhong2026")
    assert int(client.session["_auth_user_id"]) == candidate.user.pk
    record.refresh_from_db()
    assert record.activated_at is not None
    assert AuditEvent.objects.filter(action="activate_enrolled_candidate", object_id=str(candidate.pk)).exists()


def test_name_is_compared_without_padding_spaces(client, captcha, record):
    assert lookup(client, captcha, record.id_number.lower(), " 赵 敏 ").status_code == 302


def page_after_failed_lookup(client, captcha, id_number, name):
    response = lookup(client, captcha, id_number, name)
    assert response.status_code == 200
    return response.content.decode()


def test_no_match_and_already_activated_read_the_same(client, captcha, record):
    other = EnrolledRecordFactory(name="钱多多")
    CandidateFactory(id_number=other.id_number, gender="F", name="钱多多")
    wrong_name = page_after_failed_lookup(client, captcha, record.id_number, "赵小敏")
    unknown_id = page_after_failed_lookup(client, captcha, CandidateFactory.build().id_number, "赵敏")
    activated = page_after_failed_lookup(client, captcha, other.id_number, "钱多多")
    for page in (wrong_name, unknown_id, activated):
        assert NOT_MATCHED in page
        # Neither field is singled out as the wrong one.
        assert "身份证号不正确" not in page and "姓名不正确" not in page and "已激活" not in page
    assert "enrolled_activation" not in client.session


def test_a_record_already_activated_cannot_be_activated_again(client, captcha, record):
    lookup(client, captcha, record.id_number, "赵敏")
    set_password(client)
    client.logout()
    page = page_after_failed_lookup(client, captcha, record.id_number, "赵敏")
    assert NOT_MATCHED in page
    assert Candidate.objects.filter(id_number=record.id_number).count() == 1


def test_invalid_id_number_gets_its_own_format_message(client, captcha):
    page = page_after_failed_lookup(client, captcha, "140105", "赵敏")
    assert "身份证号应为18位" in page


def test_step_two_without_step_one_goes_back(client):
    response = client.get(reverse("register_enrolled_password"))
    assert response["Location"] == reverse("register_enrolled")


def test_step_two_token_expires_after_15_minutes(client, captcha, record):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        lookup(client, captcha, record.id_number, "赵敏")
        traveller.shift(14 * 60)
        assert client.get(reverse("register_enrolled_password")).status_code == 200
        traveller.shift(2 * 60)
        response = client.get(reverse("register_enrolled_password"))
    assert response["Location"] == reverse("register_enrolled")
    assert not Candidate.objects.exists()


def test_tampered_token_is_refused(client, captcha, record):
    lookup(client, captcha, record.id_number, "赵敏")
    session = client.session
    session["enrolled_activation"] = session["enrolled_activation"].replace(":", "x", 1)
    session.save()
    assert client.get(reverse("register_enrolled_password"))["Location"] == reverse("register_enrolled")


def test_password_rules_apply_with_the_registry_id_number(client, captcha, record):
    lookup(client, captcha, record.id_number, "赵敏")
    page = set_password(client, password="Zhao" + record.id_number[-6:]).content.decode()
    assert "密码不能包含身份证号的后6位" in page
    page = set_password(client, mobile="12345").content.decode()
    assert "手机号应为以1开头的11位数字" in page
    assert not Candidate.objects.exists()


def test_service_refuses_a_second_activation(record):
    activate_enrolled_candidate(record_id=record.pk, password="Jinzhong2026", mobile="13912345678")
    with pytest.raises(AccountError) as raised:
        activate_enrolled_candidate(record_id=record.pk, password="Jinzhong2026", mobile="13912345678")
    assert raised.value.code == "not_activatable"


def test_lookups_are_rate_limited_per_id_number(client, captcha, record):
    for _ in range(5):
        page_after_failed_lookup(client, captcha, record.id_number, "错名字")
    response = lookup(client, captcha, record.id_number, "赵敏")
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
