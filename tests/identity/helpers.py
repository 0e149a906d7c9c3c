"""Helpers for identity tests (photos, uploads, stored files)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from identity import samples
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
