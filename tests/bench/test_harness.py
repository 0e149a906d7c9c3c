"""The benchmark harness's pieces work. No timing is asserted: `make bench` prints figures.

- seeding makes approved candidates that can sign in and apply, fast (one hash per hasher);
- the baseline view is routed by the benchmark's settings only, never by the portal's;
- the pre-made sessions sign a candidate in;
- every pattern the virtual users read still matches the real pages, so a
  template change cannot silently turn the benchmark into one of error pages;
- the driver's percentile and its docs/benchmarks.md update.
"""

import importlib.util
import re
from pathlib import Path

import bench_support as bench
import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.test import override_settings
from django.urls import Resolver404, resolve

from candidates.models import Candidate, User
from transfers.models import TransferApplication
from zikao.idnumbers import parse_id_number
from zikao.selectors import current_window

BENCH_SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def patterns():
    return _load("bench_patterns", BENCH_SCRIPTS / "bench" / "patterns.py")


@pytest.fixture(scope="module")
def driver():
    return _load("bench_driver", BENCH_SCRIPTS / "bench.py")


@pytest.mark.django_db
def test_seeding_creates_approved_candidates_with_one_shared_argon2id_hash():
    user_ids = bench.seed_candidates(count=25, start=40, algorithm="argon2", prefix="seedtest")

    candidates = list(Candidate.objects.filter(user_id__in=user_ids).select_related("user", "county"))
    assert len(candidates) == 25
    assert all(c.is_approved and c.identity_approved_at for c in candidates)
    assert len({c.ticket_number for c in candidates}) == 25
    assert all(re.fullmatch(r"\d{12}", c.ticket_number) for c in candidates)
    for c in candidates:
        facts = parse_id_number(c.id_number)  # valid check digit, real birth date, known province
        assert facts.birth_date == c.birth_date
        assert ("M" if int(c.id_number[16]) % 2 else "F") == c.gender
    # Hashed once and reused: one encoded string, Argon2id, and it checks.
    passwords = set(User.objects.filter(pk__in=user_ids).values_list("password", flat=True))
    assert len(passwords) == 1
    encoded = passwords.pop()
    assert encoded.startswith("argon2$argon2id$") and "m=7168,t=5,p=1" in encoded
    assert check_password(bench.BENCH_PASSWORD, encoded)


@pytest.mark.django_db
def test_seeding_can_use_another_hasher_and_refuses_ticket_overflow():
    user_ids = bench.seed_candidates(count=3, start=10_000, algorithm="md5", prefix="seedmd5")
    assert User.objects.get(pk=user_ids[0]).password.startswith("md5$")
    with pytest.raises(ValueError):
        bench.seed_candidates(count=2, start=99_999, prefix="overflow")


@pytest.mark.django_db
def test_open_transfer_window_is_current():
    window = bench.open_transfer_window()
    assert current_window(window.kind) == window


def test_baseline_view_is_routed_only_by_the_benchmark_settings(client):
    with pytest.raises(Resolver404):
        resolve("/_bench/baseline")
    # The production settings it extends need the production environment; reading the line suffices.
    assert 'ROOT_URLCONF = "urls_bench"' in (BENCH_SCRIPTS / "bench" / "settings_bench.py").read_text()
    assert resolve("/_bench/baseline", urlconf="urls_bench").func is bench.baseline
    with override_settings(ROOT_URLCONF="urls_bench"):
        response = client.get("/_bench/baseline")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_pre_made_sessions_sign_the_candidate_in(client):
    user_ids = bench.seed_candidates(count=2, start=70, prefix="sessiontest")
    users = list(User.objects.filter(pk__in=user_ids).order_by("pk"))
    keys = bench.signed_in_session_keys(users)
    assert len(set(keys)) == 2
    client.cookies[settings.SESSION_COOKIE_NAME] = keys[1]
    response = client.get("/center/")
    assert response.status_code == 200
    assert users[1].candidate.ticket_number in response.content.decode()


@pytest.mark.django_db
def test_what_the_virtual_users_read_is_on_the_real_pages(client, patterns):
    """Sign-in page, home login box, transfer form and check-answers page, as the locustfile reads them."""
    login_page = client.get("/accounts/login/").content.decode()
    home = client.get("/").content.decode()
    for page in (login_page, home):
        assert patterns.CAPTCHA_KEY_RE.search(page)
        assert patterns.CSRF_RE.search(page)

    bench.open_transfer_window()
    user_ids = bench.seed_candidates(count=1, start=80, prefix="formtest")
    client.cookies[settings.SESSION_COOKIE_NAME] = bench.signed_in_session_keys(User.objects.filter(pk__in=user_ids))[0]
    form_page = client.get("/transfers/in-province/apply/").content.decode()
    token, window = patterns.TOKEN_RE.search(form_page), patterns.WINDOW_RE.search(form_page)
    cities = patterns.CITY_RE.findall(form_page)
    assert token and window and len(cities) == 10
    data = {"token": token.group(1), "window": window.group(1), "to_city": cities[0]}
    review = client.post("/transfers/in-province/apply/", {**data, "action": "review"})
    assert 'value="confirm"' in review.content.decode()
    submitted = client.post("/transfers/in-province/apply/", {**data, "action": "confirm"})
    number = patterns.DETAILS_RE.search(submitted["Location"]).group(1)
    assert TransferApplication.objects.filter(number=number, candidate__user_id=user_ids[0]).exists()


def test_percentile_is_nearest_rank(driver):
    values = list(range(1, 101))
    assert driver.percentile(values, 0.50) == 50
    assert driver.percentile(values, 0.95) == 95
    assert driver.percentile(values, 0.99) == 99
    assert driver.percentile([7], 0.99) == 7


def test_results_replace_only_their_block_in_the_docs(driver, tmp_path, monkeypatch):
    docs = tmp_path / "benchmarks.md"
    docs.write_text(f"# Benchmarks\n\nmethod\n\n{driver.RESULTS_START}\nold\n{driver.RESULTS_END}\n\nfindings\n")
    monkeypatch.setattr(driver, "DOCS", docs)
    driver.write_docs("| new | table |")
    text = docs.read_text()
    assert "| new | table |" in text and "old" not in text
    assert text.startswith("# Benchmarks\n\nmethod") and text.rstrip().endswith("findings")


@pytest.mark.django_db
def test_what_the_registration_rush_reads_is_on_the_real_pages(client, patterns):
    """理论课报名 form (a course per slot), 保存并支付, the demo cashier and the paid order page."""
    import datetime

    from django.utils import timezone

    from tests.exams.registration_fixtures import make_registration_setup

    now = timezone.now()
    make_registration_setup(opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=7))
    user_ids = bench.seed_candidates(count=1, start=90, prefix="regtest")
    client.cookies[settings.SESSION_COOKIE_NAME] = bench.signed_in_session_keys(User.objects.filter(pk__in=user_ids))[0]
    offered = patterns.COURSE_SLOT_RE.findall(client.get("/exams/register/").content.decode())
    by_slot = {}
    for course, slot in offered:
        by_slot.setdefault(slot, course)
    assert len(by_slot) == 4
    data = {"mobile": "13800000000", "mailing_address": "山西省太原市小店区长治路1号", "courses": list(by_slot.values())}
    assert 'value="pay"' in client.post("/exams/register/", {**data, "action": "review"}).content.decode()
    saved = client.post("/exams/register/", {**data, "action": "pay"})
    number = patterns.PAY_RE.search(saved["Location"]).group(1)
    assert 'value="demo"' in client.get(f"/orders/{number}/pay/").content.decode()
    cashier = client.post(f"/orders/{number}/pay/", {"provider": "demo"}).content.decode()
    payment = patterns.DEMO_PAYMENT_RE.search(cashier).group(1)
    paid = client.post("/payments/demo/return/", {"payment": payment})
    assert patterns.ORDER_RE.search(paid["Location"]).group(1) == number
    assert "已支付" in client.get(f"/orders/{number}/").content.decode()
