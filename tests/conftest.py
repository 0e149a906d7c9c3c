import os
from pathlib import Path

import pytest

# pytest-django's live_server runs in a thread next to Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _database_is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: DATABASE_URL is not set to a postgres:// URL")
    skip_redis = pytest.mark.skip(reason="needs Redis: REDIS_URL is not set")
    on_pg = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    for item in items:
        if "postgres" in item.keywords and not on_pg:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(skip_redis)


@pytest.fixture(scope="session", autouse=True)
def _ci_really_on_postgres(django_db_setup, django_db_blocker):
    """Under CI with DATABASE_URL set, refuse to pass on anything but PostgreSQL."""
    if os.environ.get("CI") == "true" and os.environ.get("DATABASE_URL"):
        with django_db_blocker.unblock():
            if not _database_is_postgres():
                pytest.exit("CI second pass: DATABASE_URL is set but the tests are not on PostgreSQL", returncode=3)


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and cached reads must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def private_storage(settings, tmp_path):
    """Identity photos of a test go to its own tmp_path, never into the repository."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}},
    }
    return location


@pytest.fixture
def tasks_in_process():
    """Run Celery tasks in-process, as the embedded default does (CI's second pass
    sets REDIS_URL, which otherwise sends them to a broker)."""
    from zikao.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
