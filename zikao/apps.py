from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save


def ensure_reference_data(sender, using="default", **kwargs):
    """Reference data is part of the schema: restore it after a flush too
    (Django's flush emits post_migrate, as it does for content types)."""
    from zikao.models import City, County, RegistrationPoint
    from zikao.reference import load_divisions

    load_divisions(City, County, RegistrationPoint)


def windows_changed(sender, using="default", **kwargs):
    """A business window was saved or deleted: cached views of the windows are out of date."""
    from zikao.selectors import forget_windows

    transaction.on_commit(forget_windows, using=using)


class ZikaoConfig(AppConfig):
    name = "zikao"
    verbose_name = "自考平台"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="zikao.ensure_reference_data")
        window = self.get_model("BusinessWindow")
        post_save.connect(windows_changed, sender=window, dispatch_uid="zikao.windows_saved")
        post_delete.connect(windows_changed, sender=window, dispatch_uid="zikao.windows_deleted")
