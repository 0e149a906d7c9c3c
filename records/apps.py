from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "考籍与合格成绩"
