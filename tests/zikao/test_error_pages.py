"""400, 403, 404, 500 and 503 in Chinese in the portal's layout, also with the database out of reach."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import render_to_string

ROOT = Path(__file__).resolve().parents[2]

PAGES = {
    "400.html": "请求无法处理",
    "403.html": "无权访问",
    "403_csrf.html": "页面已过期",
    "404.html": "页面不存在",
    "500.html": "系统错误",
    "503.html": "系统维护中",
}


@pytest.mark.parametrize(("template", "heading"), PAGES.items())
def test_error_pages_render_without_database_or_request(template, heading, django_assert_max_num_queries):
    # No db mark: any query would fail the test; no request: no context processors.
    html = render_to_string(template)
    assert heading in html
    assert "山西自学考试信息服务平台" in html and "版权所有：山西省招生考试管理中心" in html
    assert 'href="/"' in html and "返回首页" in html
    assert 'lang="zh-CN"' in html


@pytest.fixture
def failing_client(client, settings):
    settings.ROOT_URLCONF = "tests.zikao.error_urls"
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [("/_test/400/", 400, "请求无法处理"), ("/_test/403/", 403, "无权访问"), ("/no-such-page/", 404, "页面不存在"),
     ("/_test/500/", 500, "系统错误")],
)
def test_each_error_answers_in_chinese(failing_client, url, status, heading):
    response = failing_client.get(url)
    assert response.status_code == status
    page = response.content.decode()
    assert heading in page and "Server Error" not in page and "Not Found" not in page


@pytest.mark.django_db
def test_a_lost_database_connection_in_a_view_is_a_503_with_retry_after(failing_client):
    response = failing_client.get("/_test/db/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "系统维护中" in response.content.decode()


@pytest.mark.django_db
def test_a_rejected_form_post_shows_the_chinese_csrf_page(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


DOWN_SCRIPT = """
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a" * 32  # a signed-in visitor: the session and the user need the database
from django.conf import settings
if not settings.SESSION_ENGINE.endswith(".db"):  # the session itself is in Redis, its user is not
    from importlib import import_module
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.update({"_auth_user_id": "1", "_auth_user_backend": "candidates.backends.CandidateBackend"})
    session.create()
    client.cookies["sessionid"] = session.session_key
for path in ["/", "/notices/", "/points/", "/accounts/login/", "/center/", "/no-such-page/", "/healthz"]:
    response = client.get(path)
    body = response.content.decode()
    marks = [m for m in ["系统维护中", "页面不存在", "Server Error"] if m in body]
    print(path, response.status_code, response.get("Retry-After", "-"), ",".join(marks) or "-")
"""


@pytest.mark.parametrize("database_url", [
    "postgres://postgres@127.0.0.1:9/zikao",  # nothing listens on port 9: connection refused
    "sqlite:////nonexistent-directory/db.sqlite3",  # the embedded default's file cannot be opened
])
@pytest.mark.parametrize("sessions", ["database", "redis"])
def test_with_the_database_really_unreachable_pages_answer_503_not_500(database_url, sessions):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DJANGO_SETTINGS_MODULE="zikao.settings.test", DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    if sessions == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("needs Redis: REDIS_URL is not set")
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    result = subprocess.run([sys.executable, "-c", DOWN_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    for path in ["/", "/notices/", "/points/", "/accounts/login/", "/center/"]:
        assert lines[path] == "503 60 系统维护中", (path, lines[path])
    assert lines["/no-such-page/"].startswith("404 - 页面不存在")
    assert lines["/healthz"].startswith("503")
