from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from records import scores
from zikao.audit import operator_label
from zikao.tabular import TableFileError


class Command(BaseCommand):
    help = (
        "导入阅卷中心导出的成绩（CSV或.xlsx）。列名：准考证号,课程代码,成绩（分数或缺考、违纪），可选考次；"
        "文件没有考次列时用 --sitting 指定。成绩发布前重复导入不会重复登记；已发布考次的成绩不能再导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 或 .xlsx 文件路径")
        parser.add_argument("--sitting", default="", help="考次代码，例如 202610（文件没有“考次”列时必填）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入数据库")

    def handle(self, *args, file, sitting, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        try:
            report = scores.import_scores_file(
                path.read_bytes(), sitting_code=sitting.strip(), actor_label=operator_label(), dry_run=dry_run,
            )
        except (TableFileError, scores.ScoreError) as error:
            raise CommandError(f"未导入：{error}") from None
        for error in report.errors:
            self.stderr.write(str(error))
        prefix = "【试运行，未写入】" if dry_run else ""
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(
            f"{prefix}文件编码 {report.encoding}；考次 {'、'.join(report.sittings) or '—'}；新导入 {report.created} 条，"
            f"更正 {report.updated} 条，已有相同成绩 {report.unchanged} 条，有误未导入 {len(report.errors)} 行。"
        ))
