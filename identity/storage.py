"""Where identity photos live: storages["private"], a location with no URL.

The FileField gets a lazy proxy so that tests (and operators) can point the
"private" storage elsewhere through STORAGES without a migration change.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]

    def url(self, name):
        # FileSystemStorage would fall back to MEDIA_URL; identity photos must
        # never have a public address, only the access-checked view serves them.
        raise ValueError("Identity photos have no public URL; use the identity_photo view.")


private_storage_proxy = PrivateStorage()


def private_storage():
    """Callable for FileField(storage=...): keeps the storage out of migrations."""
    return private_storage_proxy


@receiver(setting_changed)
def _reset_on_storages_change(*, setting, **kwargs):
    if setting in {"STORAGES", "PRIVATE_MEDIA_ROOT"}:
        private_storage_proxy._wrapped = empty


def private_image_response(field_file, *, filename, thumbnail=0):
    """A stored private JPEG (identity, certificate, graduation or signed-form photo) as a response
    the browser neither caches, sniffs nor embeds elsewhere; ``thumbnail`` (the longer side in px)
    scales it down first.
    The caller has checked who may see it; a file missing on disk is a 404."""
    import io

    from django.http import FileResponse, Http404, HttpResponse
    from PIL import Image

    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    if thumbnail:
        with handle:
            image = Image.open(handle)
            image.draft("RGB", (thumbnail, thumbnail))
            image = image.convert("RGB")
            image.thumbnail((thumbnail, thumbnail))
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=80)
        response = HttpResponse(buffer.getvalue(), content_type="image/jpeg")
    else:
        response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
