from io import StringIO

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.management import CommandError, call_command

from candidates.models import OfficerScope, User
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Zhaokao2026office"


def create(*args, monkeypatch, password=PASSWORD):
    monkeypatch.setenv("OFFICER_PASSWORD", password)
    out = StringIO()
    call_command("create_officer", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "level", "group", "perm"),
    [
        (["--county", "140105"], "county", "县区招考办", "zikao.change_registrationpoint"),
        (["--city", "1401"], "city", "市招考办", "zikao.view_businesswindow"),
        (["--province"], "province", "省招考中心", "zikao.add_notice"),
    ],
)
def test_creates_a_staff_account_with_the_permissions_of_its_level(monkeypatch, args, level, group, perm):
    output = create("wang", *args, monkeypatch=monkeypatch)

    user = User.objects.get(username="wang")
    assert user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORD)
    assert user.officer_scope.level == level
    assert user.groups.filter(name=group).exists()
    assert user.has_perm(perm)
    assert "已创建工作人员 wang" in output
    assert AuditEvent.objects.filter(action="create_officer", object_id=str(user.pk)).exists()


def test_county_officer_cannot_write_notices(monkeypatch):
    create("li", "--county", "140105", monkeypatch=monkeypatch)
    assert not User.objects.get(username="li").has_perm("zikao.add_notice")


def test_stores_the_password_with_argon2id(monkeypatch, settings):
    settings.PASSWORD_HASHERS = ["zikao.hashers.PortalArgon2PasswordHasher"]
    create("zhao", "--province", monkeypatch=monkeypatch)
    encoded = User.objects.get(username="zhao").password
    assert encoded.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    assert identify_hasher(encoded).algorithm == "argon2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--county", "149999"], "没有代码为 149999 的区县"),
        (["--city", "9999"], "没有代码为 9999 的地市"),
    ],
)
def test_unknown_codes_are_refused(monkeypatch, args, message):
    with pytest.raises(CommandError, match=message):
        create("zhang", *args, monkeypatch=monkeypatch)
    assert not User.objects.filter(username="zhang").exists()


def test_weak_password_and_duplicate_username_are_refused(monkeypatch):
    with pytest.raises(CommandError, match="密码不符合要求"):
        create("sun", "--province", monkeypatch=monkeypatch, password="12345678")
    create("sun", "--province", monkeypatch=monkeypatch)
    with pytest.raises(CommandError, match="已存在"):
        create("sun", "--city", "1401", monkeypatch=monkeypatch)
    assert OfficerScope.objects.filter(user__username="sun").count() == 1


def test_a_scope_is_required():
    with pytest.raises(CommandError):
        call_command("create_officer", "nobody")
