from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from candidates import registry, services
from zikao.audit import operator_label


class Command(BaseCommand):
    help = (
        "导入在籍考生名册（CSV）。列名：身份证号,姓名,准考证号,报名区县代码"
        "（也接受 id_number,name,ticket_number,county_code）；UTF-8（可带BOM）或GBK编码。"
        "按身份证号匹配：重复导入只更新，不会重复创建。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        try:
            rows, errors, encoding = registry.parse(path.read_bytes())
        except registry.RegistryFileError as error:
            raise CommandError(f"未导入：{error.message}") from None

        report = services.import_enrolled_records(rows=rows, actor_label=operator_label(), dry_run=dry_run)
        report.errors = sorted(errors + report.errors, key=lambda error: error.line)
        for error in report.errors:
            self.stderr.write(str(error))

        prefix = "【试运行，未写入】" if dry_run else ""
        summary = (
            f"{prefix}文件编码 {encoding}；新增 {report.created} 条，更新 {report.updated} 条，"
            f"未变化 {report.unchanged} 条，有误未导入 {len(report.errors)} 条。"
        )
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(summary))
