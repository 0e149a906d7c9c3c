from django.core.management.base import BaseCommand
from django.utils import timezone

from zikao.management.commands._windows import describe, parse_kind
from zikao.models import BusinessWindow


class Command(BaseCommand):
    help = "列出业务窗口（北京时间）。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", default=None, help="只列出该业务类型")

    def handle(self, *args, kind, **options):
        windows = BusinessWindow.objects.order_by("kind", "opens_at")
        if kind:
            windows = windows.filter(kind=parse_kind(kind))
        now = timezone.now()
        count = 0
        for window in windows:
            self.stdout.write(describe(window, now))
            count += 1
        self.stdout.write(f"共 {count} 个窗口。")
