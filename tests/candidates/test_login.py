"""Sign-in (身份证号或准考证号 + 登录密码 + 验证码), lock-out, sign-out, keep-alive."""

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD, CandidateFactory, OfficerFactory, make_id_number

pytestmark = pytest.mark.django_db

SAME_MESSAGE = "证件号码/准考证号或密码不正确，请重新输入。"


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_sign_in_by_id_number_lands_an_approved_candidate_in_the_centre(client, login_post, approved):
    response = login_post(approved.id_number)
    assert response.status_code == 302
    assert response["Location"] == reverse("center")
    assert int(signed_in_user_id(client)) == approved.user.pk


def test_sign_in_by_ticket_number(client, login_post, approved):
    assert login_post(approved.ticket_number)["Location"] == reverse("center")


def test_sign_in_with_lowercase_x(client, login_post):
    candidate = CandidateFactory(approved=True, id_number="14010519900101018X", gender="F")
    assert login_post("14010519900101018x")["Location"] == reverse("center")
    assert int(signed_in_user_id(client)) == candidate.user.pk


@pytest.mark.parametrize("status", ["unverified", "checking", "needs_review", "rejected"])
def test_unapproved_candidates_land_on_the_identity_page(client, login_post, status):
    candidate = CandidateFactory(identity_status=status)
    assert login_post(candidate.id_number)["Location"] == reverse("identity")
    # …even when the link they followed asked for the centre.
    client.logout()
    response = login_post(candidate.id_number, next="/center/")
    assert response["Location"] == reverse("identity")


def test_next_is_honoured_for_approved_candidates_on_this_site_only(client, login_post, approved):
    assert login_post(approved.id_number, next="/accounts/password/")["Location"] == "/accounts/password/"
    client.logout()
    assert login_post(approved.id_number, next="https://evil.example/")["Location"] == reverse("center")


def test_unknown_account_and_wrong_password_get_the_same_answer(client, login_post, approved):
    unknown = login_post(make_id_number(sequence=77))
    wrong = login_post(approved.id_number, "Wrong2026pass")
    assert unknown.status_code == wrong.status_code == 200
    for response in (unknown, wrong):
        assert SAME_MESSAGE in response.content.decode()
        assert signed_in_user_id(client) is None
    assert [e.code for e in unknown.context["form"].non_field_errors().as_data()] == ["invalid_login"]
    assert [e.code for e in wrong.context["form"].non_field_errors().as_data()] == ["invalid_login"]


def test_wrong_captcha_checks_no_password(client, login_post, approved):
    response = login_post(approved.id_number, captcha_1="nope")
    page = response.content.decode()
    assert "验证码不正确" in page
    assert SAME_MESSAGE not in page  # would tell whether the password was right
    assert not AccessAttempt.objects.exists()


def test_inactive_account_reads_like_a_wrong_password(client, login_post, approved):
    approved.user.is_active = False
    approved.user.save()
    assert SAME_MESSAGE in login_post(approved.id_number).content.decode()


def test_staff_are_sent_to_the_admin(client, login_post):
    OfficerFactory(username="xiaodian")
    page = login_post("xiaodian").content.decode()
    assert "/admin/" in page and "工作人员" in page
    assert signed_in_user_id(client) is None


def test_session_is_rotated_at_sign_in(client, login_post, approved):
    client.get(reverse("login"))
    session = client.session
    session["marker"] = "before"
    session.save()
    before = session.session_key
    login_post(approved.id_number)
    assert client.session.session_key != before


def lock_out(login_post, candidate, ip):
    for _ in range(5):
        login_post(candidate.id_number, "Wrong2026pass", ip=ip)


def test_lock_out_after_five_failures_from_one_address_only(client, login_post, approved, django_user_model):
    lock_out(login_post, approved, "10.1.1.1")
    locked = login_post(approved.id_number, ip="10.1.1.1")  # right password, locked address
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂时锁定" in page and "15 分钟后" in page
    assert signed_in_user_id(client) is None

    # The same account from another address (another exam room, home) still signs in.
    other = login_post(approved.id_number, ip="10.2.2.2")
    assert other["Location"] == reverse("center")


def test_lock_out_covers_the_ticket_number_too(client, login_post, approved):
    lock_out(login_post, approved, "10.1.1.1")
    assert login_post(approved.ticket_number, ip="10.1.1.1").status_code == 429


def test_other_accounts_on_a_shared_address_are_not_locked(client, login_post, approved):
    lock_out(login_post, approved, "10.1.1.1")
    neighbour = CandidateFactory(approved=True)
    assert login_post(neighbour.id_number, ip="10.1.1.1")["Location"] == reverse("center")


def test_unknown_accounts_are_locked_out_the_same_way(client, login_post):
    unknown = make_id_number(sequence=55)
    for _ in range(5):
        login_post(unknown, "Wrong2026pass", ip="10.1.1.1")
    assert login_post(unknown, "Wrong2026pass", ip="10.1.1.1").status_code == 429


def test_every_attempt_during_the_lock_out_restarts_the_15_minutes(client, login_post, approved):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        lock_out(login_post, approved, "10.1.1.1")
        traveller.shift(10 * 60)
        assert "15 分钟后" in login_post(approved.id_number, ip="10.1.1.1").content.decode()
        traveller.shift(6 * 60)
        page = login_post(approved.id_number, ip="10.1.1.1").content.decode()
        assert "15 分钟后" in page
        traveller.shift(16 * 60)
        assert login_post(approved.id_number, ip="10.1.1.1")["Location"] == reverse("center")


def test_lockout_records_keep_no_id_number(client, login_post, approved):
    lock_out(login_post, approved, "10.1.1.1")
    attempt = AccessAttempt.objects.get()
    assert approved.id_number not in attempt.username
    assert approved.id_number not in attempt.post_data
    assert DEFAULT_PASSWORD not in attempt.post_data


def test_success_resets_the_failure_count(client, login_post, approved):
    for _ in range(4):
        login_post(approved.id_number, "Wrong2026pass", ip="10.1.1.1")
    login_post(approved.id_number, ip="10.1.1.1")
    client.logout()
    for _ in range(4):
        login_post(approved.id_number, "Wrong2026pass", ip="10.1.1.1")
    assert login_post(approved.id_number, ip="10.1.1.1")["Location"] == reverse("center")


def test_failures_from_one_address_are_rate_limited_across_accounts(client, login_post, settings):
    from candidates import throttle

    limit = throttle.LOGIN_FAILURES_PER_IP
    candidate = CandidateFactory(approved=True)
    for sequence in range(limit.limit):
        login_post(make_id_number(sequence=sequence % 99 + 1, gender="F"), "Wrong2026pass", ip="10.9.9.9")
    response = login_post(candidate.id_number, ip="10.9.9.9")
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert login_post(candidate.id_number, ip="10.9.9.8")["Location"] == reverse("center")


def test_home_page_box_posts_here_and_errors_show_on_the_login_page(client, login_post, approved):
    home = client.get("/").content.decode()
    assert f'action="{reverse("login")}"' in home
    page = login_post(approved.id_number, "Wrong2026pass").content.decode()
    assert SAME_MESSAGE in page
    assert f'value="{approved.id_number}"' in page  # nothing to retype but password and captcha


def test_sign_out_is_post_only(client, login_post, approved):
    login_post(approved.id_number)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_user_id(client) is not None
    response = client.post(reverse("logout"), follow=True)
    assert signed_in_user_id(client) is None
    assert "您已安全退出登录" in response.content.decode()


def test_keepalive_is_post_only_and_needs_a_session(client, login_post, approved):
    assert client.post(reverse("session_keepalive")).status_code == 401
    login_post(approved.id_number)
    assert client.get(reverse("session_keepalive")).status_code == 405
    response = client.post(reverse("session_keepalive"))
    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"]


def test_session_ends_after_30_idle_minutes_and_keepalive_extends_it(client, login_post, approved, settings):
    # Database sessions, whose expiry follows Django's (travelled) clock; Redis
    # enforces the same age with its own clock (the test below).
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        login_post(approved.id_number)
        traveller.shift(29 * 60)
        assert client.post(reverse("session_keepalive")).status_code == 204
        traveller.shift(29 * 60)  # 58 minutes after sign-in, 29 after 继续
        assert client.get(reverse("center")).status_code == 200
        traveller.shift(31 * 60)
        response = client.get(reverse("center"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_pages_extend_the_session_at_most_once_a_minute(client, login_post, approved, settings):
    from django.contrib.sessions.models import Session

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        login_post(approved.id_number)
        session = Session.objects.get(session_key=client.session.session_key)
        signed_in_until = session.expire_date
        traveller.shift(40)
        assert client.get(reverse("center")).status_code == 200
        session.refresh_from_db()
        assert session.expire_date == signed_in_until  # not written again within the minute
        traveller.shift(30)
        assert client.get(reverse("center")).status_code == 200
        session.refresh_from_db()
        assert session.expire_date == start + timezone.timedelta(seconds=70 + 30 * 60)


def test_idle_warning_counts_from_the_shortest_possible_session(client, login_post, approved):
    login_post(approved.id_number)
    # Extended at most once a minute: a session may end 29 minutes after the last page.
    assert 'data-idle-seconds="1740"' in client.get(reverse("center")).content.decode()


@pytest.mark.redis
def test_redis_sessions_expire_after_30_idle_minutes_and_keepalive_renews_them(client, login_post, approved, settings):
    from django.core.cache import cache

    assert settings.SESSION_ENGINE == "zikao.sessions"  # Redis, as in production
    login_post(approved.id_number)
    key = "django.contrib.sessions.cache" + client.session.session_key
    redis = cache.client.get_client()
    ttl_after_sign_in = redis.ttl(cache.make_key(key))
    assert 25 * 60 < ttl_after_sign_in <= 30 * 60
    redis.expire(cache.make_key(key), 60)  # as if 29 idle minutes had passed
    assert client.post(reverse("session_keepalive")).status_code == 204
    assert redis.ttl(cache.make_key(key)) > 25 * 60
    redis.delete(cache.make_key(key))  # Redis let the idle session expire
    response = client.get(reverse("center"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.redis
def test_saving_a_session_that_ended_meanwhile_does_not_bring_it_back(client, login_post, approved):
    """zikao.sessions saves with Redis's SET … XX: one round trip instead of Django's GET then SET,
    and atomic, so a page that loaded the session before another tab signed out cannot write it back."""
    from django.contrib.sessions.backends.base import UpdateError
    from django.core.cache import cache

    from zikao.sessions import SessionStore

    login_post(approved.id_number)
    session_key = client.session.session_key
    redis = cache.client.get_client()
    redis_key = cache.make_key(SessionStore.cache_key_prefix + session_key)
    page = SessionStore(session_key)
    page["_refreshed_at"] = 0  # a page loaded the session and refreshes it
    redis.expire(redis_key, 60)
    page.save()
    assert redis.ttl(redis_key) > 25 * 60  # still signed in: extended
    redis.delete(redis_key)  # signed out in another tab
    with pytest.raises(UpdateError):
        page.save()
    assert not redis.exists(redis_key)
    response = client.get(reverse("center"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_login_page_sends_no_store(client):
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]


@time_machine.travel("2026-03-02 10:00:20 +0800", tick=False)
def test_lockout_page_says_how_long_is_left_since_the_last_attempt(rf, approved):
    from axes.helpers import get_client_username

    from candidates.views import lockout_response

    request = rf.post("/accounts/login/", {"username": approved.id_number}, REMOTE_ADDR="10.1.1.1")
    request.axes_ip_address = "10.1.1.1"
    request.axes_attempt_time = timezone.now()
    AccessAttempt.objects.create(
        username=get_client_username(request, {"username": approved.id_number}), ip_address="10.1.1.1",
        user_agent="", failures_since_start=5, get_data="", post_data="", http_accept="", path_info="/",
    )
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=5, seconds=30))
    response = lockout_response(request, None, {"username": approved.id_number})
    assert response.status_code == 429
    page = response.content.decode()
    assert "请在 10 分钟后" in page
    assert "10:09 以后" in page
