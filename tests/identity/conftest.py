import pytest

from identity import samples


@pytest.fixture(autouse=True)
def _identity_runtime(private_storage, tasks_in_process):
    """Every identity test: photos in tmp_path, checks run in-process."""
    return private_storage


@pytest.fixture(scope="session")
def astronaut_photos():
    return {slot: samples.jpeg_bytes(image) for slot, image in samples.submission_images("astronaut").items()}


@pytest.fixture(scope="session")
def grace_photos():
    return {slot: samples.jpeg_bytes(image) for slot, image in samples.submission_images("grace_hopper").items()}
