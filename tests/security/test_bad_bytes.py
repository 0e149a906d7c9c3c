"""Bad bytes never answer 5xx: every public page, GET and POST, with what PostgreSQL refuses or chokes on.

PostgreSQL refuses NUL in text (DataError) where SQLite stores it, so these run on
PostgreSQL; the URLs are read from the URL configuration, so a new public page is
walked without anybody adding it here.
"""

import datetime
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import BusinessWindowFactory, CandidateFactory, NoticeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BAD_VALUES = {
    "nul": "140105\x00",
    "over-long": "1" * 5000,
    "rtl-override": "\u202e501041",
    "huge-number": "9" * 40,
}
# Raw query strings: invalid UTF-8 cannot be carried by a str value.
BAD_QUERY_BYTES = ["%00", "%FF%FE", "%C0%80", "%ED%A0%80", "%E2%80%AE%00"]
# Every name a public form or page reads; the same values go into each.
FIELDS = [
    "county", "city", "category", "page", "size", "next", "window", "q",
    "username", "password", "captcha_0", "captcha_1", "id_number", "name", "gender", "ethnicity",
    "household_type", "education_level", "occupation", "political_status", "mobile", "email",
    "password1", "password2", "old_password", "new_password1", "new_password2", "to_city", "action", "token",
]
PATH_VALUES = {"int": ["1", "9" * 30], "slug": ["x", "a" * 300], "str": ["MQ", "%00", "%FF", "%E2%80%AE"],
               "application_number": ["SNZK2026030500001", "SNZK9999999999999"]}


def _public_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("admin/", "_bench/")):
            continue
        if isinstance(entry, URLResolver):
            yield from _public_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _paths():
    """Each public route with its parameters filled in both sensibly and badly."""
    import re

    paths = set()
    for route in _public_patterns():
        names = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        fillings = [{}]
        for converter, name in names:
            kind = converter or "str"
            fillings = [{**f, name: value} for f in fillings for value in PATH_VALUES.get(kind, ["x"])]
        for filling in fillings:
            path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, f=filling: f[m.group(1)], route)
            paths.add("/" + path)
    return sorted(paths)


PATHS = _paths()


@pytest.fixture
def as_candidate(client):
    candidate = CandidateFactory(approved=True)
    client.force_login(candidate.user)
    return client


@pytest.fixture(autouse=True)
def _content(db):
    now = datetime.datetime.now(datetime.UTC)
    BusinessWindowFactory(opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=1))
    NoticeFactory()


def _walk(client):
    client.raise_request_exception = False  # a 500 is a finding to list, not the end of the walk
    failures = []
    for path in PATHS:
        for label, value in BAD_VALUES.items():
            data = {field: value for field in FIELDS}
            for method in ("get", "post"):
                response = getattr(client, method)(path, data)
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {path} {label}: {response.status_code}")
            response = client.get(path, {value: "1"})
            if response.status_code >= 500:
                failures.append(f"GET {path} {label} as a name: {response.status_code}")
        for raw in BAD_QUERY_BYTES:
            query = "&".join(f"{field}={raw}" for field in FIELDS)
            for response, how in [
                (client.get(f"{path}?{query}"), "GET"),
                (client.generic("POST", path, query.encode("latin-1"),
                                content_type="application/x-www-form-urlencoded"), "POST"),
            ]:
                if response.status_code >= 500:
                    failures.append(f"{how} {path} {raw}: {response.status_code}")
    return failures


def test_no_public_page_answers_5xx_to_bad_bytes_signed_out(client):
    assert len(PATHS) > 20
    assert _walk(client) == []


def test_no_candidate_page_answers_5xx_to_bad_bytes_signed_in(as_candidate):
    assert _walk(as_candidate) == []


def test_nul_in_a_query_is_a_400_in_chinese(client):
    response = client.get("/accounts/password/reset/?county=%00")
    assert response.status_code == 400
    assert "请求" in response.content.decode()
    assert client.get("/accounts/password/reset/sent/?county=" + quote("\x00")).status_code == 400
