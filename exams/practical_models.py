"""实践性环节报名: a candidate who has passed every written course of their major registers the
practical courses or 毕业论文 of the plan with a 主考院校, which sets the fee and then accepts the
registration or asks the candidate to confirm in person.

Kept apart from the theory registration's models; imported at the end of ``exams.models`` so the
app still has one ``models`` module.
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zikao.models import BusinessWindow, officer_field

phone_validator = RegexValidator(
    r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$", "请填写11位手机号码或带区号的固定电话。", code="bad_phone"
)


class PracticalFee(models.Model):
    """What a 主考院校 charges per practical course or thesis (integer fen)."""

    institution = models.OneToOneField(
        "exams.Institution", on_delete=models.CASCADE, related_name="practical_fee", verbose_name="主考院校"
    )
    fee_fen = models.PositiveIntegerField(
        "每门收费（分）", validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
        help_text="以分为单位，例如 8000 表示 80.00 元。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "实践性环节收费标准"
        constraints = [models.CheckConstraint(condition=Q(fee_fen__gt=0), name="practical_fee_positive")]

    def __str__(self):
        return f"{self.institution}：{self.fee_fen / 100:.2f} 元/门"


class PracticalRegistration(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        ACCEPTED = "accepted", "院校确认"
        ONSITE = "onsite", "待线下确认"
        VOID = "void", "无效"

    OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.ONSITE)

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="practical_registrations", verbose_name="考生"
    )
    window = models.ForeignKey(BusinessWindow, on_delete=models.PROTECT, related_name="+", verbose_name="报名时段")
    institution = models.ForeignKey(
        "exams.Institution", on_delete=models.PROTECT, related_name="practical_registrations", verbose_name="主考院校"
    )
    major = models.ForeignKey("exams.Major", on_delete=models.PROTECT, related_name="+", verbose_name="专业")
    recipient = models.CharField("收件人", max_length=30)
    address = models.CharField("邮寄地址", max_length=200)
    phone = models.CharField("联系电话", max_length=20, validators=[phone_validator])
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    total_fen = models.PositiveIntegerField("金额（分）")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    paid_at = models.DateTimeField("缴费时间", null=True, blank=True)
    decided_at = models.DateTimeField("院校处理时间", null=True, blank=True)
    decided_by = officer_field("处理人")
    remark = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "实践性环节报名"
        permissions = [("decide_practical", "确认实践性环节报名")]
        constraints = [
            # One live registration per candidate and window; a void one may be followed by another.
            models.UniqueConstraint(
                fields=["candidate", "window"], condition=~Q(status="void"), name="one_practical_registration_per_window"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "accepted", "onsite", "void"]), name="practical_status_known"
            ),
            models.CheckConstraint(condition=Q(total_fen__gt=0), name="practical_total_positive"),
        ]

    def __str__(self):
        return f"{self.number} {self.candidate}"

    @property
    def number(self):
        """A short reference for pages and the order (no ID number in it)."""
        return f"SJ{self.pk:08d}" if self.pk else "SJ—"

    @property
    def paid(self):
        return self.paid_at is not None

    @property
    def state_text(self):
        if self.status == self.Status.SUBMITTED:
            return "已提交，已缴费，等待院校确认" if self.paid else "已提交，待缴费"
        text = self.get_status_display()
        return f"{text}（{self.remark}）" if self.remark else text


class PracticalRegistrationItem(models.Model):
    registration = models.ForeignKey(
        PracticalRegistration, on_delete=models.CASCADE, related_name="items", verbose_name="报名"
    )
    course = models.ForeignKey("exams.Course", on_delete=models.PROTECT, related_name="+", verbose_name="课程")
    fee_fen = models.PositiveIntegerField("收费（分）")

    class Meta:
        ordering = ["course__code"]
        verbose_name = verbose_name_plural = "实践性环节报名课程"
        constraints = [
            models.UniqueConstraint(fields=["registration", "course"], name="practical_course_once_per_registration"),
        ]

    def __str__(self):
        return str(self.course)
