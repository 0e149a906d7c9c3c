from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "transfers"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "转考"

    def ready(self):
        from transfers import receivers  # noqa: F401  (connects them)
