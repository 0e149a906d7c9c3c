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
