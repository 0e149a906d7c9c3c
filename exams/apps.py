from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "考试计划与安排"

    def ready(self):
        # Connect the registrations' receivers of payments.signals (order paid / expired).
        from exams import practical, registration  # noqa: F401
