from django.core.management.base import BaseCommand

from transfers import out


class Command(BaseCommand):
    help = "省际转出：转出时间结束时仍未网上确认的申请失效，并通知考生（生产环境由 Celery beat 定时执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将失效的申请，不做修改。")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = list(out.due_for_lapse())
            for application in due:
                self.stdout.write(application.number)
            self.stdout.write(f"将有 {len(due)} 份未网上确认的省际转出申请失效（未修改）。")
            return
        count = out.lapse_unconfirmed()
        self.stdout.write(f"已使 {count} 份逾期未网上确认的省际转出申请失效。")
