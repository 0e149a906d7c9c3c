"""修改密码, 忘记密码 (e-mail token flow or the registration point), 找回准考证号."""

import logging
import re

import pytest
from django.core import mail
from django.urls import reverse

from candidates import throttle
from tests.factories import DEFAULT_PASSWORD, CandidateFactory, EnrolledRecordFactory, make_id_number
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db


# --- 修改密码 --------------------------------------------------------------------------------------


def change(client, old=DEFAULT_PASSWORD, new="Taiyuan2026new", confirm=None):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": confirm or new},
    )


def test_change_password(client, approved):
    client.force_login(approved.user)
    response = change(client)
    assert response["Location"] == reverse("center")
    approved.user.refresh_from_db()
    assert approved.user.check_password("Taiyuan2026new")
    # Still signed in on this device (session hash updated).
    assert client.get(reverse("center")).status_code == 200
    assert AuditEvent.objects.filter(action="change_password", object_id=str(approved.user.pk)).exists()


def test_change_password_rules(client, approved):
    client.force_login(approved.user)
    assert "原密码不正确" in change(client, old="Wrong2026pass").content.decode()
    assert "两次输入的新密码不一致" in change(client, confirm="Other2026pass").content.decode()
    assert "密码不能包含身份证号的后6位" in change(client, new="Kaoshi" + approved.id_number[-6:]).content.decode()
    approved.user.refresh_from_db()
    assert approved.user.check_password(DEFAULT_PASSWORD)


def test_change_password_hides_passwords_from_error_reports_and_caches(client, approved):
    client.force_login(approved.user)
    response = change(client, old="Wrong2026pass")
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"
    assert "no-store" in response["Cache-Control"]


def test_change_password_needs_a_sign_in(client):
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("login"))


def test_unapproved_candidates_may_change_their_password(client):
    candidate = CandidateFactory()
    client.force_login(candidate.user)
    assert client.get(reverse("password_change")).status_code == 200


# --- 忘记密码 --------------------------------------------------------------------------------------


@pytest.fixture
def request_reset(client, captcha, django_capture_on_commit_callbacks):
    def post(id_number, name, *, follow=True):
        # The e-mail leaves on commit; each test here runs inside one transaction.
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("password_reset"), {"id_number": id_number, "name": name, **captcha()}, follow=follow
            )

    return post


def test_reset_by_email_with_djangos_token(client, request_reset, approved):
    response = request_reset(approved.id_number, approved.name)
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhang@example.com"]
    assert approved.id_number not in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)

    page = client.get(link, follow=True)
    assert "设置新密码" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": "Datong2026new", "new_password2": "Datong2026new"})
    assert done["Location"] == reverse("password_reset_complete")
    approved.user.refresh_from_db()
    assert approved.user.check_password("Datong2026new")
    # The link works once.
    assert "链接无效或已过期" in client.get(link, follow=True).content.decode()


def test_reset_pages_read_the_same_whether_found_or_not(client, request_reset, approved):
    no_email = CandidateFactory(email="")
    found = request_reset(approved.id_number, approved.name).content.decode()
    for id_number, name in [
        (no_email.id_number, no_email.name),  # no e-mail on file
        (approved.id_number, "别人"),  # wrong name
        (make_id_number(sequence=88), "张伟"),  # nobody
    ]:
        page = request_reset(id_number, name).content.decode()
        assert _without_tokens(page) == _without_tokens(found)
    assert len(mail.outbox) == 1


def _without_tokens(page):
    return re.sub(r'(value|src)="[^"]*"', "", re.sub(r"csrfmiddlewaretoken[^>]*", "", page))


def test_reset_page_explains_the_registration_point_and_shows_its_contacts(client):
    page = client.get(reverse("password_reset")).content.decode()
    assert "没有登记电子邮箱" in page and "报名点" in page
    page = client.get(reverse("password_reset"), {"county": "140105"}).content.decode()
    assert "太原市小店区招生考试办公室" in page
    assert "地址：" in page and "电话：" in page


def test_reset_requests_are_rate_limited_per_id_number(client, request_reset, approved):
    for _ in range(throttle.PASSWORD_RESET_PER_ID.limit):
        request_reset(approved.id_number, approved.name)
    response = request_reset(approved.id_number, approved.name, follow=False)
    assert response.status_code == 429
    assert len(mail.outbox) == throttle.PASSWORD_RESET_PER_ID.limit


def test_reset_form_hides_its_fields_from_error_reports(client, captcha, approved):
    response = client.post(reverse("password_reset"), {"id_number": approved.id_number, "name": "x", **captcha()})
    assert set(response.wsgi_request.sensitive_post_parameters) == {"id_number", "name"}


# --- 找回准考证号 -----------------------------------------------------------------------------------


def look_up(client, captcha, id_number, name, ip="10.0.0.1"):
    return client.post(reverse("ticket_number"), {"id_number": id_number, "name": name, **captcha()}, REMOTE_ADDR=ip)


def test_ticket_number_of_an_approved_candidate(client, captcha, approved):
    page = look_up(client, captcha, approved.id_number, approved.name).content.decode()
    assert f"您的准考证号是：<strong class=\"fs-5 ticket-number\">{approved.ticket_number}</strong>" in page


def test_ticket_number_from_the_registry_before_activation(client, captcha):
    record = EnrolledRecordFactory()
    page = look_up(client, captcha, record.id_number.lower(), record.name).content.decode()
    assert record.ticket_number in page


def test_ticket_number_not_found(client, captcha, approved):
    for id_number, name in [(approved.id_number, "别人"), (make_id_number(sequence=66), "张伟")]:
        page = look_up(client, captcha, id_number, name).content.decode()
        assert "未查询到准考证号" in page
        assert approved.ticket_number not in page


def test_every_look_up_is_recorded_without_the_id_number(client, captcha, approved):
    look_up(client, captcha, approved.id_number, approved.name)
    look_up(client, captcha, approved.id_number, "别人")
    events = list(AuditEvent.objects.filter(action="ticket_number_lookup").order_by("id"))
    assert [event.to_state for event in events] == ["found", "not_found"]
    for event in events:
        assert event.object_id == throttle.id_number_hash(approved.id_number)
        assert event.data["masked_id_number"] == approved.masked_id_number
        assert approved.id_number not in str(event.data) + event.object_id + event.actor_label
        assert "10.0.0.1" not in str(event.data)


def test_wrong_captcha_is_not_a_look_up(client, captcha, approved):
    look_up(client, captcha, approved.id_number, approved.name)
    client.post(reverse("ticket_number"), {"id_number": approved.id_number, "name": approved.name,
                                           "captcha_0": "x", "captcha_1": "y"})
    assert AuditEvent.objects.filter(action="ticket_number_lookup").count() == 1


def test_look_ups_are_rate_limited_per_id_number_and_per_address(client, captcha, approved):
    for _ in range(throttle.TICKET_LOOKUP_PER_ID.limit):
        look_up(client, captcha, approved.id_number, "别人", ip="10.0.0.1")
    # Another address does not help with the same ID number…
    response = look_up(client, captcha, approved.id_number, approved.name, ip="10.0.0.2")
    assert response.status_code == 429
    assert approved.ticket_number not in response.content.decode()
    # …and one address cannot walk through many ID numbers.
    for sequence in range(throttle.TICKET_LOOKUP_PER_IP.limit):
        look_up(client, captcha, make_id_number(sequence=sequence + 1, gender="F"), "某人", ip="10.0.0.3")
    assert look_up(client, captcha, make_id_number(sequence=90), "某人", ip="10.0.0.3").status_code == 429


# --- Reset links never reach a log ------------------------------------------------------------------


def test_no_reset_token_or_link_is_logged_at_any_level(client, request_reset, approved, caplog):
    caplog.set_level(logging.DEBUG)
    request_reset(approved.id_number, approved.name)
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": "Datong2026new", "new_password2": "Datong2026new"})
    client.get(link)  # used link
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert token not in logged and link not in logged


def test_the_log_filter_masks_reset_links_in_request_lines():
    from zikao.logging import MaskIdNumbersFilter

    record = logging.LogRecord("django.server", logging.INFO, __file__, 1,
                               '"%s" 302 0', ("GET /accounts/password/reset/MQ/cz6hfk-9f3b2a1c/ HTTP/1.1",), None)
    MaskIdNumbersFilter().filter(record)
    assert "cz6hfk" not in record.getMessage() and "/accounts/password/reset/***/***/" in record.getMessage()
    for kept in ["/accounts/password/reset/sent/", "/accounts/password/reset/complete/"]:
        record = logging.LogRecord("django.server", logging.INFO, __file__, 1, "GET %s", (kept,), None)
        MaskIdNumbersFilter().filter(record)
        assert record.getMessage() == f"GET {kept}"


def test_the_embedded_default_never_prints_mail_to_the_console():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "zikao.settings.local", "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "django.core.mail.backends.filebased.EmailBackend", result.stderr
