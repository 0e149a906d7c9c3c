"""The client's address behind trusted proxies: every lock-out and throttle keys on the candidate, not the proxy."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from candidates import throttle
from tests.factories import DEFAULT_PASSWORD, CandidateFactory, make_id_number

PROXY = "10.0.0.254"  # nginx in front of the app server: REMOTE_ADDR of every request
PHONE_A = "203.0.113.7"
PHONE_B = "198.51.100.9"


def address(settings, proxies, *, remote=PROXY, forwarded=None):
    settings.PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return throttle.client_ip(RequestFactory().get("/", **meta))


def test_no_proxy_ignores_the_header(settings):
    assert address(settings, 0, remote=PHONE_A, forwarded="1.2.3.4") == PHONE_A


def test_one_proxy_takes_the_right_most_entry(settings):
    assert address(settings, 1, forwarded=PHONE_A) == PHONE_A
    assert address(settings, 1, forwarded=f"10.9.9.9, {PHONE_A}") == PHONE_A


def test_two_proxies_take_the_second_entry_from_the_right(settings):
    # CDN saw the phone, nginx saw the CDN: "phone, cdn"; REMOTE_ADDR is nginx.
    assert address(settings, 2, forwarded=f"{PHONE_A}, 172.16.0.3") == PHONE_A
    assert address(settings, 2, forwarded=f"6.6.6.6, {PHONE_A}, 172.16.0.3") == PHONE_A


def test_a_forged_two_entry_header_is_ignored(settings):
    # The phone sends "X-Forwarded-For: 1.1.1.1, 2.2.2.2"; nginx appends what it saw.
    assert address(settings, 1, forwarded=f"1.1.1.1, 2.2.2.2, {PHONE_A}") == PHONE_A
    # With two proxies the forged entries still sit left of the two trusted ones.
    assert address(settings, 2, forwarded=f"1.1.1.1, 2.2.2.2, {PHONE_A}, 172.16.0.3") == PHONE_A


def test_missing_short_or_garbled_header_falls_back_to_the_connection(settings):
    assert address(settings, 1) == PROXY
    assert address(settings, 1, forwarded="") == PROXY
    assert address(settings, 2, forwarded=PHONE_A) == PROXY
    assert address(settings, 1, forwarded="not-an-address") == PROXY
    assert address(settings, 1, forwarded="2001:db8::1") == "2001:db8::1"
    # No connection address at all (a request built by hand): axes gets None, throttles a fixed key.
    settings.PROXY_COUNT = 0
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert throttle.client_address(request) is None and throttle.client_ip(request) == "unknown"


def test_axes_uses_the_same_function(settings):
    from axes.helpers import get_client_ip_address

    settings.PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"9.9.9.9, {PHONE_A}")
    assert get_client_ip_address(request) == PHONE_A


# --- Behind one proxy, end to end -------------------------------------------------------------------


@pytest.fixture
def behind_proxy(settings):
    settings.PROXY_COUNT = 1

    def meta(phone, forged=""):
        return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{forged}{phone}"}

    return meta


def sign_in(client, captcha, behind_proxy, candidate, password, phone, forged=""):
    data = {"username": candidate.id_number, "password": password, **captcha()}
    return client.post(reverse("login"), data, **behind_proxy(phone, forged))


@pytest.mark.django_db
def test_two_candidates_behind_one_proxy_lock_out_independently(client, captcha, behind_proxy):
    victim, other = CandidateFactory(approved=True), CandidateFactory(approved=True)
    for attempt in range(5):  # rotating forged entries do not help the attacker
        sign_in(client, captcha, behind_proxy, victim, "Wrong2026pass", PHONE_A, forged=f"1.1.1.{attempt}, ")
    assert sign_in(client, captcha, behind_proxy, victim, DEFAULT_PASSWORD, PHONE_A, "8.8.8.8, ").status_code == 429
    # The account's owner on their own phone, and anybody else, still sign in through the same proxy.
    assert sign_in(client, captcha, behind_proxy, victim, DEFAULT_PASSWORD, PHONE_B)["Location"] == reverse("center")
    client.logout()
    assert sign_in(client, captcha, behind_proxy, other, DEFAULT_PASSWORD, PHONE_A)["Location"] == reverse("center")


def exhaust(limit, phone):
    for _ in range(limit.limit):
        throttle.hit(limit, phone)


@pytest.mark.django_db
def test_sign_in_failure_limit_is_per_client(client, captcha, behind_proxy):
    candidate = CandidateFactory(approved=True)
    exhaust(throttle.LOGIN_FAILURES_PER_IP, PHONE_A)
    assert sign_in(client, captcha, behind_proxy, candidate, DEFAULT_PASSWORD, PHONE_A).status_code == 429
    assert sign_in(client, captcha, behind_proxy, candidate, DEFAULT_PASSWORD, PHONE_B)["Location"] == reverse("center")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "limit"),
    [("password_reset", throttle.PASSWORD_RESET_PER_IP), ("ticket_number", throttle.TICKET_LOOKUP_PER_IP)],
)
def test_look_up_limits_are_per_client(client, captcha, behind_proxy, url, limit):
    exhaust(limit, PHONE_A)
    data = {"id_number": make_id_number(sequence=41), "name": "张伟"}
    assert client.post(reverse(url), {**data, **captcha()}, **behind_proxy(PHONE_A)).status_code == 429
    assert client.post(reverse(url), {**data, **captcha()}, **behind_proxy(PHONE_B)).status_code in (200, 302)


@pytest.mark.django_db
def test_registration_limit_is_per_client(client, captcha, behind_proxy):
    exhaust(throttle.REGISTER_PER_IP, PHONE_A)
    assert client.post(reverse("register_new"), {**captcha()}, **behind_proxy(PHONE_A)).status_code == 429
    page = client.post(reverse("register_new"), {**captcha()}, **behind_proxy(PHONE_B))
    assert page.status_code == 200
    assert "操作过于频繁" not in page.content.decode()
