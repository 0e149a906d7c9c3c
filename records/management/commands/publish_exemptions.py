from django.core.management.base import BaseCommand, CommandError

from records import exemptions
from zikao.audit import operator_label
from zikao.models import BusinessWindow


class Command(BaseCommand):
    help = "发布免考申请时段的审核结果（省招考中心终审完成的申请）：考生随后可在“当次免考审核结果查询”中查看，并在个人中心收到通知。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("window_id", type=int, help="免考申请时段（业务时间窗口）的编号")

    def handle(self, *args, window_id, **options):
        window = BusinessWindow.objects.filter(pk=window_id, kind=BusinessWindow.Kind.EXEMPTION).first()
        if window is None:
            raise CommandError(f"找不到编号为 {window_id} 的免考申请时段。")
        try:
            published, pending = exemptions.publish_results(window=window, actor_label=operator_label())
        except exemptions.ExemptionError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(f"{window.title}：发布审核结果 {published} 份。"))
        if pending:
            self.stdout.write(self.style.WARNING(f"另有 {pending} 份申请尚未审核完成，审核完成后请再次发布。"))
