from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "考生"

    def ready(self):
        from candidates import user_cache  # noqa: F401  (connects its receivers)
