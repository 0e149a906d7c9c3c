from django.core.management.base import BaseCommand, CommandError

from exams.models import ExamSitting
from records import scores
from zikao.audit import operator_label


class Command(BaseCommand):
    help = (
        "发布考次的成绩：考生即可在“当次成绩查询”看到，60分及以上的课程记入合格成绩，并通知考生。"
        "到了考次设定的成绩发布时间也会自动发布。"
    )

    def add_arguments(self, parser):
        parser.add_argument("sitting", help="考次代码，例如 202610")
        parser.add_argument("--early", action="store_true", help="在设定的成绩发布时间之前发布")

    def handle(self, *args, sitting, early, **options):
        target = ExamSitting.objects.filter(code=sitting.strip()).first()
        if target is None:
            raise CommandError(f"考次 {sitting} 不存在。")
        try:
            done = scores.publish_scores(sitting=target, actor_label=operator_label(), early=early)
        except scores.ScoreError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(
            f"已发布{target.label}考次成绩：{done.scores} 条，涉及考生 {done.candidates} 人；"
            f"新记入合格成绩 {done.passed} 门（此前已合格 {done.already_in_ledger} 门）。"
        ))
