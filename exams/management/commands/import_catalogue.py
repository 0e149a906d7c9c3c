import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exams import catalogue_import
from zikao.tabular import TableFileError


class Command(BaseCommand):
    help = (
        f"导入考试目录：{catalogue_import.kind_names()}。"
        "CSV（UTF-8或GBK）或Excel .xlsx；一个文件一类数据，或一个工作簿每类一个工作表（列名见README）。"
        "按代码匹配：重复导入只更新，不会重复创建。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 或 .xlsx 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        try:
            report = catalogue_import.import_file(
                path.read_bytes(), file_stem=path.stem, actor_label=f"operator:{getpass.getuser()}", dry_run=dry_run,
            )
        except TableFileError as error:
            raise CommandError(f"未导入：{error}") from None
        for error in report.errors:
            self.stderr.write(str(error))
        prefix = "【试运行，未写入】" if dry_run else ""
        for kind in report.kinds.values():
            self.stdout.write(
                f"{prefix}{kind.label}：新增 {kind.created} 条，更新 {kind.updated} 条，未变化 {kind.unchanged} 条。"
            )
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(f"{prefix}导入完成；有误未导入 {len(report.errors)} 行。"))
