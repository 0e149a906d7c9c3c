from django.core.management.base import BaseCommand

from payments import services
from payments.models import Order


class Command(BaseCommand):
    help = "关闭已过支付截止时间仍未支付的订单（生产环境由 Celery beat 每分钟执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将被关闭的订单，不做修改。")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            from django.utils import timezone

            due = Order.objects.filter(status=Order.Status.PENDING, expires_at__lte=timezone.now())
            for number in due.values_list("number", flat=True):
                self.stdout.write(number)
            self.stdout.write(f"将关闭 {due.count()} 个逾期未支付的订单（未修改）。")
            return
        count = services.expire_orders()
        self.stdout.write(f"已关闭 {count} 个逾期未支付的订单。")
