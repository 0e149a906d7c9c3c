from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def ensure_reference_data(sender, using="default", **kwargs):
    """Reference data is part of the schema: restore it after a flush too
    (Django's flush emits post_migrate, as it does for content types)."""
    from zikao.models import City, County, RegistrationPoint
    from zikao.reference import load_divisions

    load_divisions(City, County, RegistrationPoint)


BLOCKS = {"BusinessWindow": "windows", "Notice": "notices"}


def rows_changed(sender, using="default", **kwargs):
    """A window or a notice was saved or deleted: the pages' cached blocks of them are out of date."""
    from zikao.blocks import forget

    # In the same transaction: the new token becomes visible together with the new rows.
    forget(BLOCKS[sender.__name__])


class ZikaoConfig(AppConfig):
    name = "zikao"
    verbose_name = "自考平台"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="zikao.ensure_reference_data")
        for model in BLOCKS:
            post_save.connect(rows_changed, sender=self.get_model(model), dispatch_uid=f"zikao.{model}.saved")
            post_delete.connect(rows_changed, sender=self.get_model(model), dispatch_uid=f"zikao.{model}.deleted")
