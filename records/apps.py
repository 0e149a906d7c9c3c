from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "考籍与合格成绩"

    def ready(self):
        # Connect 毕业申请's receivers of payments.signals (order paid / expired), and the ones
        # that drop a candidate's cached scores.
        from records import graduation, receivers  # noqa: F401
