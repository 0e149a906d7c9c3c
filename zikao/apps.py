from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_reference_data(sender, using="default", **kwargs):
    """Reference data is part of the schema: restore it after a flush too
    (Django's flush emits post_migrate, as it does for content types)."""
    from zikao.models import City, County, RegistrationPoint
    from zikao.reference import load_divisions

    load_divisions(City, County, RegistrationPoint)


class ZikaoConfig(AppConfig):
    name = "zikao"
    verbose_name = "自考平台"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(ensure_reference_data, sender=self, dispatch_uid="zikao.ensure_reference_data")
