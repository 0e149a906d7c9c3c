"""The production switches docs/deployment.md tells operators to use.

Each case starts a fresh interpreter with the production settings and the
environment an operator would set, and reads the resulting settings back.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({'db': settings.DATABASES['default'], 'storages': settings.STORAGES, 'email': settings.EMAIL_BACKEND}, default=str))"
)


def _production(extra_path=None, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update(
        DJANGO_SETTINGS_MODULE="zikao.settings.production",
        SECRET_KEY="k" * 20 + "-production-secret-for-the-deployment-settings-test-0123456789",
        ALLOWED_HOSTS="zikao.sxkszx.cn",
        DATABASE_URL="postgres://zikao@pgbouncer:6432/zikao",
        REDIS_URL="redis://redis:6379/0",
        EMAIL_HOST="smtp.sxkszx.cn",
        PYTHONPATH=os.pathsep.join(filter(None, [str(extra_path or ""), str(ROOT)])),
    )
    clean.update(env)
    clean = {k: v for k, v in clean.items() if v is not None}  # None: the operator did not set it
    return subprocess.run([sys.executable, "-c", READ_SETTINGS], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=120)


def _settings(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgres_gets_prepared_statements_and_no_server_side_cursors():
    db = _settings(_production())["db"]
    assert db["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert db["OPTIONS"]["server_side_binding"] is True
    assert db["OPTIONS"]["prepare_threshold"] == 2


def test_prepared_statements_can_be_switched_off_for_an_old_pgbouncer():
    db = _settings(_production(DATABASE_PREPARED_STATEMENTS="false"))["db"]
    assert db["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert "server_side_binding" not in db.get("OPTIONS", {})


def test_uploads_stay_on_the_file_system_without_a_bucket():
    storages = _settings(_production(PRIVATE_MEDIA_ROOT="/srv/shared/private"))["storages"]
    assert storages["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storages["private"]["OPTIONS"]["location"] == "/srv/shared/private"


def test_s3_bucket_without_django_storages_is_refused_clearly():
    result = _production(S3_BUCKET="zikao-uploads")
    assert result.returncode != 0
    assert "django-storages is not installed" in result.stderr


def test_s3_bucket_puts_public_and_private_uploads_in_their_own_prefixes(tmp_path):
    # A stand-in for django-storages (not a dependency until an operator chooses S3).
    backends = tmp_path / "storages" / "backends"
    backends.mkdir(parents=True)
    (tmp_path / "storages" / "__init__.py").write_text("")
    (backends / "__init__.py").write_text("")
    (backends / "s3.py").write_text(
        "from django.core.files.storage import Storage\n\n"
        "class S3Storage(Storage):\n    def __init__(self, **options):\n        self.options = options\n"
    )
    storages = _settings(_production(
        extra_path=tmp_path, S3_BUCKET="zikao-uploads", S3_ENDPOINT_URL="https://oss.example.cn",
        S3_ACCESS_KEY_ID="id", S3_SECRET_ACCESS_KEY="secret",
    ))["storages"]
    public, private = storages["default"], storages["private"]
    assert public["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"]["location"] == "public" and public["OPTIONS"]["querystring_auth"] is False
    assert private["OPTIONS"]["location"] == "private" and "querystring_auth" not in private["OPTIONS"]
    assert private["OPTIONS"]["bucket_name"] == "zikao-uploads"
    assert private["OPTIONS"]["endpoint_url"] == "https://oss.example.cn"
    assert private["OPTIONS"]["file_overwrite"] is False


def test_production_refuses_to_start_without_outgoing_mail():
    result = _production(EMAIL_HOST=None, EMAIL_BACKEND=None)
    assert result.returncode != 0
    assert "Outgoing mail is not configured" in result.stderr


def test_production_refuses_backends_that_write_mail_to_a_log_or_a_file():
    for backend in ["console", "filebased", "dummy", "locmem"]:
        result = _production(EMAIL_HOST=None, EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend")
        assert result.returncode != 0, backend
        assert "does not deliver mail" in result.stderr


def test_production_sends_by_smtp_given_a_host_or_by_an_explicit_backend():
    assert _settings(_production())["email"] == "django.core.mail.backends.smtp.EmailBackend"
    explicit = _production(EMAIL_HOST=None, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    assert _settings(explicit)["email"] == "django.core.mail.backends.smtp.EmailBackend"
