import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from zikao.storage import PortalStaticFilesStorage

ROOT = Path(__file__).resolve().parents[2]


def test_time_zone_and_language():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"


def _manage(*args, **env):
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the last is set by tests/conftest.py
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="zikao.settings.production",
        SECRET_KEY="k" * 20 + "-production-secret-for-the-check-deploy-test-0123456789",
        ALLOWED_HOSTS="zikao.sxkszx.cn",
        DATABASE_URL="postgres://zikao@127.0.0.1:5432/zikao",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_HOST="smtp.sxkszx.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret_key():
    result = _manage("check", DJANGO_SETTINGS_MODULE="zikao.settings.production", ALLOWED_HOSTS="zikao.sxkszx.cn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_static_files_have_hashed_names(tmp_path):
    result = _manage(
        "collectstatic", "--noinput",
        DJANGO_SETTINGS_MODULE="zikao.settings.production",
        SECRET_KEY="k" * 60, ALLOWED_HOSTS="zikao.sxkszx.cn", EMAIL_HOST="smtp.sxkszx.cn", STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    hashed = [p.name for p in (tmp_path / "css").glob("portal.*.css")]
    assert len(hashed) == 1 and len(hashed[0].split(".")) == 3  # portal.<hash>.css
    assert (tmp_path / "staticfiles.json").exists()
    assert list((tmp_path / "vendor" / "bootstrap").glob("bootstrap.min.*.css.gz"))

    # The URLs pages render are the hashed ones, made once per process; a missing file still fails.
    storage = PortalStaticFilesStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("css/portal.css") == f"/static/css/{hashed[0]}"
    assert storage.url("css/portal.css") == f"/static/css/{hashed[0]}"  # from the memo
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("css/missing.css")


def test_no_template_or_stylesheet_refers_to_another_site():
    offenders = []
    for folder in ["templates", "static/css", "static/js"]:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".html", ".css", ".js"}:
                text = path.read_text(encoding="utf-8")
                for marker in ["//cdn", "googleapis", "jsdelivr", "unpkg", "cdnjs", "bootcdn", "<script src=\"http"]:
                    if marker in text:
                        offenders.append(f"{path.relative_to(ROOT)}: {marker}")
    assert offenders == []
