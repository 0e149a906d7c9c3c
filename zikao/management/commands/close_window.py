from django.core.management.base import BaseCommand, CommandError

from zikao.audit import operator_label
from zikao.management.commands._windows import describe, parse_kind, parse_local_time
from zikao.models import BusinessWindow
from zikao.selectors import current_window
from zikao.services import WindowError, close_window


class Command(BaseCommand):
    help = "关闭业务窗口：给出业务类型（关闭当前进行中的窗口）或窗口编号；默认立即关闭，--at 指定关闭时间。"

    def add_arguments(self, parser):
        parser.add_argument("target", help="业务类型（如 in_province_transfer）或窗口编号")
        parser.add_argument("--at", default=None, help="关闭时间（北京时间），默认现在")

    def handle(self, *args, target, at, **options):
        closes_at = parse_local_time(at, "--at") if at else None
        if target.isdigit():
            window_id = int(target)
        else:
            kind = parse_kind(target)
            window = current_window(kind, now=closes_at) if closes_at else current_window(kind)
            if window is None:
                upcoming = BusinessWindow.objects.filter(kind=kind).order_by("-opens_at").first()
                hint = f"最近的窗口：{describe(upcoming)}；可用编号指定。" if upcoming else "该业务还没有任何窗口。"
                raise CommandError(f"{BusinessWindow.Kind(kind).label}当前没有进行中的窗口。{hint}")
            window_id = window.pk
        try:
            window = close_window(window_id=window_id, at=closes_at, actor_label=operator_label())
        except WindowError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"已关闭窗口 {describe(window)}"))
