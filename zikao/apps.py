from django.apps import AppConfig


class ZikaoConfig(AppConfig):
    name = "zikao"
    verbose_name = "自考平台"
    default_auto_field = "django.db.models.BigAutoField"
