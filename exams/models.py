"""The exam catalogue: sittings and their slots, 主考院校, majors and their plans, courses,
the timetable, venues and rooms.

Code formats are checked twice: a validator gives the operator a message in Chinese, a check
constraint makes the rule true whatever wrote the row.
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from zikao.models import County

SITTING_CODE_RE = r"^[0-9]{4}(04|10)$"
MAJOR_CODE_RE = r"^[0-9]{6}[KT]?$"
COURSE_CODE_RE = r"^[0-9]{5}$"
INSTITUTION_CODE_RE = r"^[0-9]{5}$"

sitting_code_validator = RegexValidator(
    SITTING_CODE_RE, "考次代码应为6位：年份加月份，月份只能是04或10，例如 202704。", code="bad_sitting_code"
)
major_code_validator = RegexValidator(
    MAJOR_CODE_RE, "专业代码应为6位数字，可带一个K或T后缀，例如 050101、030101K。", code="bad_major_code"
)
course_code_validator = RegexValidator(
    COURSE_CODE_RE, "课程代码应为5位数字，例如 00015（Excel可能去掉了开头的0）。", code="bad_course_code"
)
institution_code_validator = RegexValidator(
    INSTITUTION_CODE_RE, "院校代码应为5位数字，例如 10108。", code="bad_institution_code"
)


class ExamSitting(models.Model):
    """考次: April or October, two exam days (Saturday and Sunday)."""

    code = models.CharField("考次", max_length=6, unique=True, validators=[sitting_code_validator])
    exam_start = models.DateField("第一天考试日期")
    exam_end = models.DateField("第二天考试日期")
    ticket_print_from = models.DateTimeField("准考证打印开始时间", null=True, blank=True)
    score_publish_at = models.DateTimeField("成绩发布时间", null=True, blank=True)
    recheck_deadline = models.DateField("成绩复核截止日期", null=True, blank=True)

    class Meta:
        ordering = ["-code"]
        verbose_name = verbose_name_plural = "考次"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=SITTING_CODE_RE), name="sitting_code_format"),
            models.CheckConstraint(condition=Q(exam_end__gte=models.F("exam_start")), name="sitting_end_after_start"),
        ]

    def __str__(self):
        return self.label

    @property
    def year(self):
        return int(self.code[:4])

    @property
    def month(self):
        return int(self.code[4:])

    @property
    def label(self):
        return f"{self.year}年{self.month}月"

    @property
    def ticket_code(self):
        """The 3 digits a ticket number carries: the year's last two digits + 1 (April) or 2 (October)."""
        return f"{self.code[2:4]}{1 if self.month == 4 else 2}"


class ExamSlot(models.Model):
    """考试单元: a sitting has four, two days × 上午 09:00–11:30 / 下午 14:30–17:00."""

    class Period(models.TextChoices):
        MORNING = "am", "上午"
        AFTERNOON = "pm", "下午"

    TIMES = {
        Period.MORNING: (datetime.time(9, 0), datetime.time(11, 30)),
        Period.AFTERNOON: (datetime.time(14, 30), datetime.time(17, 0)),
    }
    PER_SITTING = 4

    sitting = models.ForeignKey(ExamSitting, on_delete=models.CASCADE, related_name="slots", verbose_name="考次")
    date = models.DateField("考试日期")
    period = models.CharField("时段", max_length=2, choices=Period.choices)
    starts_at = models.TimeField("开始时间")
    ends_at = models.TimeField("结束时间")

    class Meta:
        ordering = ["date", "period"]
        verbose_name = verbose_name_plural = "考试单元"
        constraints = [
            models.UniqueConstraint(fields=["sitting", "date", "period"], name="one_slot_per_date_and_period"),
            models.CheckConstraint(condition=Q(period__in=["am", "pm"]), name="slot_period_known"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_period_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class Institution(models.Model):
    """主考院校."""

    code = models.CharField("院校代码", max_length=5, unique=True, validators=[institution_code_validator])
    name = models.CharField("院校名称", max_length=60, unique=True)
    practical_on_platform = models.BooleanField("在平台办理实践性环节报名", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "主考院校"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=INSTITUTION_CODE_RE), name="institution_code_format"),
        ]

    def __str__(self):
        return self.name


class Major(models.Model):
    class Level(models.TextChoices):
        JUNIOR_COLLEGE = "zk", "专科"
        UPGRADE = "zsb", "专升本"

    class PlanVersion(models.TextChoices):
        NEW = "new", "新计划"
        OLD = "old", "旧计划"

    code = models.CharField("专业代码", max_length=7, unique=True, validators=[major_code_validator])
    name = models.CharField("专业名称", max_length=60)
    level = models.CharField("层次", max_length=3, choices=Level.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="majors", verbose_name="主考院校"
    )
    plan_version = models.CharField("计划版本", max_length=3, choices=PlanVersion.choices, default=PlanVersion.NEW)
    accepting_new = models.BooleanField("接受新生报名", default=True, help_text="取消勾选即“停止新生报名”。")
    min_credits = models.PositiveSmallIntegerField(
        "最低毕业学分", validators=[MinValueValidator(1), MaxValueValidator(300)]
    )

    class Meta:
        ordering = ["level", "code"]
        verbose_name = verbose_name_plural = "专业"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=MAJOR_CODE_RE), name="major_code_format"),
            models.CheckConstraint(condition=Q(level__in=["zk", "zsb"]), name="major_level_known"),
            models.CheckConstraint(condition=Q(min_credits__gt=0), name="major_min_credits_positive"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}（{self.get_level_display()}）"


class Course(models.Model):
    class ExamMode(models.TextChoices):
        WRITTEN = "written", "笔试"
        PRACTICAL = "practical", "实践"

    class Source(models.TextChoices):
        NATIONAL = "national", "国考"
        PROVINCIAL = "provincial", "省考"

    code = models.CharField("课程代码", max_length=5, unique=True, validators=[course_code_validator])
    name = models.CharField("课程名称", max_length=60)
    exam_mode = models.CharField("考试方式", max_length=10, choices=ExamMode.choices, default=ExamMode.WRITTEN)
    source = models.CharField("命题", max_length=10, choices=Source.choices, default=Source.NATIONAL)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "课程"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=COURSE_CODE_RE), name="course_code_format"),
            models.CheckConstraint(condition=Q(exam_mode__in=["written", "practical"]), name="course_mode_known"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class PlanCourse(models.Model):
    """One course of a major's plan (专业计划课程设置)."""

    class Category(models.TextChoices):
        REQUIRED = "required", "必考"
        ELECTIVE = "elective", "选考"
        EXTRA = "extra", "加考"
        PRACTICAL = "practical", "实践"

    major = models.ForeignKey(Major, on_delete=models.CASCADE, related_name="plan_courses", verbose_name="专业")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="plan_entries", verbose_name="课程")
    credits = models.PositiveSmallIntegerField("学分", validators=[MaxValueValidator(20)])
    category = models.CharField("类别", max_length=10, choices=Category.choices, default=Category.REQUIRED)
    elective_group = models.CharField("选考组", max_length=30, blank=True, help_text="同组课程任选其一，例如“任选一门”。")
    counts_credit = models.BooleanField("计学分", default=True, help_text="毕业考核等必做但不计学分的课程取消勾选。")
    remark = models.CharField("备注", max_length=60, blank=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["major", "sort", "course__code"]
        verbose_name = verbose_name_plural = "专业计划课程"
        constraints = [
            models.UniqueConstraint(fields=["major", "course"], name="course_once_per_plan"),
            models.CheckConstraint(
                condition=Q(category__in=["required", "elective", "extra", "practical"]), name="plan_category_known"
            ),
            models.CheckConstraint(condition=Q(credits__lte=20), name="plan_credits_sane"),
        ]

    def __str__(self):
        return f"{self.major.code} · {self.course}"

    @property
    def remark_text(self):
        """备注 as the plan table shows it."""
        parts = [part for part in (self.elective_group, self.remark) if part]
        if not self.counts_credit and not self.remark:
            parts.append("必做，不计学分")
        return "；".join(parts)


class CourseSubstitution(models.Model):
    """顶替: a passed ``old_course`` stands for ``new_course`` (in one major, or in every major)."""

    old_course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", verbose_name="原课程")
    new_course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", verbose_name="顶替的课程")
    major = models.ForeignKey(
        Major, on_delete=models.CASCADE, null=True, blank=True, related_name="substitutions",
        verbose_name="适用专业", help_text="留空表示适用于所有专业。",
    )
    remark = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        ordering = ["new_course__code", "old_course__code"]
        verbose_name = verbose_name_plural = "顶替课程"
        constraints = [
            models.UniqueConstraint(
                fields=["old_course", "new_course", "major"], name="substitution_once_per_major",
            ),
            models.UniqueConstraint(
                fields=["old_course", "new_course"], condition=Q(major__isnull=True),
                name="substitution_once_everywhere",
            ),
            models.CheckConstraint(
                condition=~Q(old_course=models.F("new_course")), name="substitution_of_another_course"
            ),
        ]

    def __str__(self):
        return f"{self.old_course} 顶替 {self.new_course}"


class TimetableEntry(models.Model):
    """课程考试安排: a course is examined in at most one slot of a sitting."""

    sitting = models.ForeignKey(ExamSitting, on_delete=models.CASCADE, related_name="timetable", verbose_name="考次")
    slot = models.ForeignKey(ExamSlot, on_delete=models.CASCADE, related_name="entries", verbose_name="考试单元")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="timetable_entries", verbose_name="课程")

    class Meta:
        ordering = ["slot__date", "slot__period", "course__code"]
        verbose_name = verbose_name_plural = "课程考试安排"
        constraints = [
            models.UniqueConstraint(fields=["sitting", "course"], name="course_once_per_sitting"),
        ]

    def __str__(self):
        return f"{self.sitting.code} {self.course}"


class Venue(models.Model):
    """考点."""

    code = models.CharField("考点代码", max_length=10, unique=True)
    name = models.CharField("考点名称", max_length=60)
    address = models.CharField("地址", max_length=200)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="venues", verbose_name="所在区县")

    class Meta:
        ordering = ["county__code", "code"]
        verbose_name = verbose_name_plural = "考点"

    def __str__(self):
        return self.name


class Room(models.Model):
    """考场."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms", verbose_name="考点")
    number = models.CharField("考场号", max_length=10)
    capacity = models.PositiveSmallIntegerField(
        "座位数", default=30, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )

    class Meta:
        ordering = ["venue", "number"]
        verbose_name = verbose_name_plural = "考场"
        constraints = [
            models.UniqueConstraint(fields=["venue", "number"], name="room_number_once_per_venue"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="room_has_seats"),
        ]

    def __str__(self):
        return f"{self.venue.name} 第{self.number}考场"


class CourseRegistration(models.Model):
    """理论课报名: one candidate's courses of one sitting.

    Changeable while it is a draft or its order is pending with no payment started; fixed once
    a payment is started. The order's paid / expired signal makes it paid / failed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "待保存"
        AWAITING_PAYMENT = "awaiting_payment", "待支付"
        PAID = "paid", "报名成功（已支付）"
        FAILED = "failed", "报名失败（逾期未支付）"
        CANCELED = "canceled", "已取消"

    # A candidate has at most one of these per sitting (a database constraint).
    LIVE_STATUSES = (Status.DRAFT, Status.AWAITING_PAYMENT, Status.PAID)
    MAX_COURSES = 4

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="course_registrations", verbose_name="考生"
    )
    sitting = models.ForeignKey(
        ExamSitting, on_delete=models.PROTECT, related_name="course_registrations", verbose_name="考次"
    )
    window = models.ForeignKey(
        "zikao.BusinessWindow", on_delete=models.PROTECT, related_name="+", verbose_name="报名时间"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    mobile = models.CharField("联系电话", max_length=11)
    mailing_address = models.CharField("通讯地址", max_length=200)
    fee_fen = models.PositiveIntegerField("报考费（分）", default=0)
    order_number = models.CharField("订单号", max_length=20, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "理论课报名"
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "sitting"],
                condition=Q(status__in=["draft", "awaiting_payment", "paid"]),
                name="one_live_registration_per_sitting",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "awaiting_payment", "paid", "failed", "canceled"]),
                name="registration_status_known",
            ),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_at__isnull=False), name="paid_registration_has_paid_at"),
        ]

    def __str__(self):
        return f"{self.sitting.code} 理论课报名 #{self.pk}"

    @property
    def fee_yuan(self):
        return f"{self.fee_fen // 100}.{self.fee_fen % 100:02d}"


class RegistrationItem(models.Model):
    """One course of a registration, with the slot it is examined in (one course per slot)."""

    registration = models.ForeignKey(
        CourseRegistration, on_delete=models.CASCADE, related_name="items", verbose_name="报名"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", verbose_name="课程")
    slot = models.ForeignKey(ExamSlot, on_delete=models.PROTECT, related_name="+", verbose_name="考试单元")
    fee_fen = models.PositiveIntegerField("报考费（分）")

    class Meta:
        ordering = ["slot__date", "slot__period"]
        verbose_name = verbose_name_plural = "报考课程"
        constraints = [
            models.UniqueConstraint(fields=["registration", "slot"], name="one_course_per_slot"),
            models.UniqueConstraint(fields=["registration", "course"], name="course_once_per_registration"),
        ]

    def __str__(self):
        return str(self.course)


from exams.exemption_models import ExemptionRule, ExemptionRuleCourse  # noqa: E402, F401
from exams.practical_models import PracticalFee, PracticalRegistration, PracticalRegistrationItem  # noqa: E402, F401
from exams.seat_models import TicketSeat  # noqa: E402, F401 — 准考证考场座位
