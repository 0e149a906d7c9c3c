from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = [
    "zikao.demo", "candidates.demo", "identity.demo", "transfers.demo", "exams.demo", "records.demo",
    "exams.registration_demo", "exams.practical_demo", "exams.seat_demo", "records.scores_demo",
    "records.exemption_demo", "records.graduation_demo", "transfers.out_demo",
]


class Command(BaseCommand):
    help = "载入演示数据（公告、开放中的省内转考窗口、各类演示账号），可重复运行。"

    def handle(self, *args, **options):
        accounts = []
        with transaction.atomic():
            for name in DEMO_MODULES:
                try:
                    module = import_module(name)
                except ModuleNotFoundError as error:
                    if error.name != name:
                        raise
                    continue
                accounts.extend(module.seed() or [])
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号："))
        width = max((len(row[0]) for row in accounts), default=10)
        for who, login, password in accounts:
            self.stdout.write(f"  {who.ljust(width)}  登录名：{login}  密码：{password}")
        self.stdout.write("工作人员请访问 http://127.0.0.1:8000/admin/ ，考生请访问 http://127.0.0.1:8000/ 。")
