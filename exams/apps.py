from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "考试计划与安排"

    def ready(self):
        from exams import registration  # noqa: F401 — connects the order signal receivers
