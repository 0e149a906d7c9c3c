import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from records import passed_import
from zikao.tabular import TableFileError


class Command(BaseCommand):
    help = (
        "导入在籍考生的历次合格课程（CSV或.xlsx）。列名：准考证号,课程代码,成绩,合格考次,来源,说明；"
        "来源为考试、免考、转入或顶替（默认考试）。重复导入不会重复登记。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 或 .xlsx 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        try:
            report = passed_import.import_file(
                path.read_bytes(), actor_label=f"operator:{getpass.getuser()}", dry_run=dry_run,
            )
        except TableFileError as error:
            raise CommandError(f"未导入：{error}") from None
        for error in report.errors:
            self.stderr.write(str(error))
        prefix = "【试运行，未写入】" if dry_run else ""
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(
            f"{prefix}文件编码 {report.encoding}；新登记 {report.created} 门，已有相同记录 {report.unchanged} 门，"
            f"有误未导入 {len(report.errors)} 行。"
        ))
