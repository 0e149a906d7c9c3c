import pytest

from identity import samples


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Identity photos of a test go to its own tmp_path, never into the repository."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}},
    }
    return location


@pytest.fixture(autouse=True)
def eager_tasks():
    """Run Celery tasks in-process, as the embedded default does (CI also sets REDIS_URL for everything)."""
    from zikao.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def astronaut_photos():
    return {slot: samples.jpeg_bytes(image) for slot, image in samples.submission_images("astronaut").items()}


@pytest.fixture(scope="session")
def grace_photos():
    return {slot: samples.jpeg_bytes(image) for slot, image in samples.submission_images("grace_hopper").items()}
