"""An operator's command in another OS process is seen on the very next page of a running server.

The server (live_server, in this process) keeps its cached 快捷入口 block in its own
memory (LocMemCache without REDIS_URL, as in the embedded default); close_window and
open_window run as separate `manage.py` processes against the same database.
"""

import datetime
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import BusinessWindowFactory, CandidateFactory
from zikao.models import BusinessWindow

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def manage(*args):
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    # The test database this server uses, not the one DATABASE_URL names.
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env["DJANGO_SETTINGS_MODULE"] = "zikao.settings.test"
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def centre(live_server, cookie):
    request = urllib.request.Request(live_server.url + "/center/", headers={"Cookie": cookie})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the local live server
        return response.read().decode()


def transfer_state(page):
    card = page[page.index('data-kind="in_province_transfer"'):]
    following = card.find("data-kind=", 10)
    return card if following < 0 else card[:following]


def test_close_and_open_window_in_another_process_show_on_the_next_centre_page(live_server, client):
    BusinessWindowFactory(kind=BusinessWindow.Kind.IN_PROVINCE_TRANSFER, title="2026年下半年省内转考")
    candidate = CandidateFactory(approved=True)
    client.force_login(candidate.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    before = transfer_state(centre(live_server, cookie))
    assert "进行中" in before and "立即办理" in before
    assert "进行中" in transfer_state(centre(live_server, cookie))  # now from the server's cache

    manage("close_window", "in_province_transfer")
    after = transfer_state(centre(live_server, cookie))
    assert "已结束" in after and "立即办理" not in after

    now = datetime.datetime.now(ZoneInfo("Asia/Shanghai"))  # the commands read Beijing time
    start = (now + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    end = (now + datetime.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    manage("open_window", "in_province_transfer", "--start", start, "--end", end, "--title", "2026年补充省内转考")
    announced = transfer_state(centre(live_server, cookie))
    assert "2026年补充省内转考" in announced and "未开始" in announced
