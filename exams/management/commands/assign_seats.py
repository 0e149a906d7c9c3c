from django.core.management.base import BaseCommand, CommandError

from exams import seats
from exams.models import ExamSitting
from zikao.audit import operator_label


class Command(BaseCommand):
    help = (
        "编排考场座位：为考次中每门已支付的理论课报名课程在考生所在区县（无考点时为同市最近区县）的考场中分配座位。"
        "可重复运行：已编排的考生不移动，新支付的考生补排，已不再有效（退费、取消）的报名的座位删除。"
    )

    def add_arguments(self, parser):
        parser.add_argument("sitting", help="考次代码，例如 202704")
        parser.add_argument("--dry-run", action="store_true", help="只计算并报告，不写入数据库")

    def handle(self, *args, sitting, dry_run, **options):
        the_sitting = ExamSitting.objects.filter(code=sitting.strip()).first()
        if the_sitting is None:
            raise CommandError(f"找不到考次 {sitting}（考次代码为6位，例如 202704）。")
        try:
            plan = seats.assign_seats(sitting=the_sitting, dry_run=dry_run, actor_label=operator_label())
        except seats.SeatError as error:
            raise CommandError(error.message) from None
        prefix = "【试运行，未写入】" if dry_run else ""
        for (slot, room), count in sorted(
            plan.rooms.items(), key=lambda pair: (pair[0][0].date, pair[0][0].period, pair[0][1].venue.code,
                                                  pair[0][1].number),
        ):
            self.stdout.write(f"{prefix}{seats.slot_label(slot)} {room.venue.name} 第{room.number}考场：{count}/{room.capacity} 人")
        for unseated in plan.unseated:
            candidate = unseated.candidate
            self.stderr.write(
                f"未编排：{candidate.ticket_number or '（无准考证号）'} {candidate.name} "
                f"{unseated.item.course.code} {unseated.item.course.name}（{seats.slot_label(unseated.item.slot)}）：{unseated.reason}"
            )
        rooms = len({room.pk for _, room in plan.rooms})
        style = self.style.WARNING if plan.unseated else self.style.SUCCESS
        self.stdout.write(style(
            f"{prefix}{the_sitting.label}：新编排 {len(plan.created)} 个座位，保留 {plan.kept} 个，"
            f"删除已无效报名的座位 {len(plan.removed)} 个，使用考场 {rooms} 个；未能编排 {len(plan.unseated)} 门。"
        ))
