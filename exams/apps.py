from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "考试计划与安排"

    def ready(self):
        # Connects the practical registration's receivers of payments.signals.
        from exams import practical  # noqa: F401
