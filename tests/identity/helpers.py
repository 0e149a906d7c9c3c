"""Helpers for identity tests (photos, uploads, stored files)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from identity import checks, samples, services
from identity.intake import normalise

needs_samples = pytest.mark.skipif(
    not samples.available(), reason="scikit-image / matplotlib (test extras) are not installed"
)


def stored_files(location):
    return [path for path in location.rglob("*") if path.is_file()] if location.exists() else []


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def normalised(photos):
    return {slot: normalise(data) for slot, data in photos.items()}


def jpeg(image, quality=90):
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def photo_set(kind="new"):
    slots = ["headshot", "id_card", "handheld"] if kind == "new" else ["id_card", "handheld"]
    shades = {"headshot": (60, 140, 220), "id_card": (230, 230, 220), "handheld": (150, 120, 100)}
    return {slot: normalise(jpeg(Image.new("RGB", (400, 500), shades[slot]))) for slot in slots}


def submitted(candidate, django_capture_on_commit_callbacks):
    """A submission whose checks were queued but have not run."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = services.submit_photos(candidate=candidate, photos=photo_set(candidate.kind))
    assert len(tasks_queued(callbacks)) == 1  # the check task, queued after commit
    return submission


def tasks_queued(callbacks):
    """The on_commit callbacks other than dropping a cached copy (zikao.copies)."""
    return [callback for callback in callbacks if callback.__name__ != "drop_cached_copy"]


def passed(name="sharpness"):
    return checks.Check(name, "headshot", checks.PASSED, 100.0, "≥60")


def failed():
    return checks.Check(
        "face_count", "headshot", checks.FAILED, 0, "恰好 1 张", "检测到 0 张人脸", "免冠照中未检测到人脸，请在光线充足处正面拍摄。"
    )


def uncertain():
    return checks.Check("same_person", "handheld:id_card", checks.UNCERTAIN, 0.5, "≤0.40", "距离 0.500")


def run_checks(submission, results):
    claimed = services.start_checks(submission_id=submission.pk, stale_after=timedelta(minutes=5))
    assert claimed is not None
    return services.finish_checks(submission_id=submission.pk, checks=results)
