"""Benchmark support (`make bench`): the bare baseline view and fast seeding.

The baseline view is routed only by the benchmark's own URLconf (urls_bench.py,
used by settings_bench.py), never by the portal's: it answers through the full
middleware stack and nothing else, so every other figure can be read as a fraction of it.

Seeding uses ``bulk_create`` and hashes the benchmark password ONCE: every
seeded candidate of one hasher shares the same encoded string (same salt).
That is fine for a throw-away benchmark database and never done for real
accounts; checking the password still costs a full Argon2id (or PBKDF2)
verification per sign-in, which is what the benchmark measures.
"""

import datetime

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import get_hasher
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from zikao.idnumbers import check_digit

BENCH_PASSWORD = "Kaoshi2026bench"  # noqa: S105 - seeded benchmark accounts only
CANDIDATE_BACKEND = "candidates.backends.CandidateBackend"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN_NAMES = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞"]


def baseline(request):
    """A fixed string through the same middleware stack as every page: the ceiling."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def encoded_password(algorithm, password=BENCH_PASSWORD):
    """``password`` hashed once with the hasher of ``algorithm`` ("argon2" is the portal's Argon2id)."""
    hasher = get_hasher(algorithm)
    return hasher.encode(password, hasher.salt())


def bench_id_number(index, county_code):
    """A valid, unique 18-character ID number for seeded candidate ``index`` (< 999,000)."""
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=index // 999)
    sequence = index % 999 + 1  # 3 digits; the last one's parity is the gender
    first17 = f"{county_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def seed_candidates(*, count, start=0, algorithm="argon2", prefix="bench", counties=None, now=None,
                    batch_size=2000):
    """Create ``count`` approved candidates with ticket numbers; returns their user ids in order.

    Candidate ``i`` (``start`` <= i < ``start + count``) has username ``<prefix><i>``,
    a valid ID number, ticket number ``<county 4 digits>261<i, 5 digits>`` and the
    password ``BENCH_PASSWORD`` hashed with ``algorithm`` (once, see the module doc).
    """
    from candidates.models import Candidate, User
    from zikao.models import County

    if start + count > 100_000:
        raise ValueError("ticket numbers have a 5-digit sequence: seed at most 100,000 candidates")
    now = now or timezone.now()
    counties = counties or list(County.objects.order_by("code"))
    password = encoded_password(algorithm)
    user_ids = []
    with transaction.atomic():
        for batch_start in range(start, start + count, batch_size):
            indexes = range(batch_start, min(batch_start + batch_size, start + count))
            users = User.objects.bulk_create(
                [User(username=f"{prefix}{i:06d}", password=password, date_joined=now) for i in indexes],
                batch_size=batch_size,
            )
            candidates = []
            for i, user in zip(indexes, users, strict=True):
                county = counties[i % len(counties)]
                id_number = bench_id_number(i, county.code)
                candidates.append(Candidate(
                    user=user,
                    kind=Candidate.Kind.ENROLLED if i % 2 else Candidate.Kind.NEW,
                    name=SURNAMES[i % len(SURNAMES)] + GIVEN_NAMES[i // len(SURNAMES) % len(GIVEN_NAMES)],
                    id_number=id_number,
                    ticket_number=f"{county.code[2:]}261{i:05d}",
                    gender=Candidate.Gender.MALE if int(id_number[16]) % 2 else Candidate.Gender.FEMALE,
                    birth_date=datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
                    ethnicity="汉族",
                    household_type=Candidate.HouseholdType.NON_AGRICULTURAL,
                    education_level=Candidate.EducationLevel.SENIOR_HIGH,
                    occupation=Candidate.Occupation.EMPLOYEE,
                    political_status=Candidate.PoliticalStatus.MASSES,
                    mobile=f"139{i:08d}",
                    county=county,
                    identity_status=Candidate.IdentityStatus.APPROVED,
                    identity_approved_at=now,
                    created_at=now,
                ))
            Candidate.objects.bulk_create(candidates, batch_size=batch_size)
            user_ids.extend(user.pk for user in users)
    return user_ids


def open_transfer_window(*, now=None, days=7):
    """The open 省内转考申请 window the transfer scenarios submit into (opened an hour ago)."""
    from zikao.models import BusinessWindow
    from zikao.services import open_window

    now = now or timezone.now()
    return open_window(
        kind=BusinessWindow.Kind.IN_PROVINCE_TRANSFER, opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=days), title="基准测试省内转考", actor_label="operator:bench",
    )


def open_theory_window(*, now=None, days=7):
    """The open 理论课报名 window of the registration rush (opened an hour ago)."""
    from zikao.models import BusinessWindow
    from zikao.services import open_window

    now = now or timezone.now()
    return open_window(
        kind=BusinessWindow.Kind.THEORY_REGISTRATION, opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=days), title="基准测试理论课报名", actor_label="operator:bench",
    )


def signed_in_session_keys(users, *, backend=CANDIDATE_BACKEND):
    """A signed-in session per user, as django.contrib.auth.login would leave it; returns the keys.

    Scenarios that measure something other than sign-in (personal centre,
    transfer submit, PDF) start from these instead of paying an Argon2id check
    per virtual user; the sign-in scenarios sign in for real.
    """
    from importlib import import_module

    from django.conf import settings

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for user in users:
        session = store_class()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys
