from django.core.management.base import BaseCommand, CommandError

from zikao.audit import operator_label
from zikao.management.commands._windows import describe, parse_kind, parse_local_time
from zikao.services import WindowError, open_window


class Command(BaseCommand):
    help = "开放一个业务窗口。时间按北京时间填写，如 --start '2026-03-01 09:00'。"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="业务类型，如 in_province_transfer 或 省内转考申请")
        parser.add_argument("--start", required=True, help="开始时间（北京时间）")
        parser.add_argument("--end", required=True, help="结束时间（北京时间）")
        parser.add_argument("--title", default="", help="名称，如 2021年上半年省内转考")

    def handle(self, *args, kind, start, end, title, **options):
        kind = parse_kind(kind)
        opens_at = parse_local_time(start, "--start")
        closes_at = parse_local_time(end, "--end")
        try:
            window = open_window(
                kind=kind, opens_at=opens_at, closes_at=closes_at, title=title, actor_label=operator_label()
            )
        except WindowError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"已创建窗口 {describe(window)}"))
