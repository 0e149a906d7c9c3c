"""毕业申请: a candidate who meets every condition of their major's plan applies in the
``graduation`` window, pays the fee, prints the 毕业生登记表; the county office pre-checks, the
province decides. Imported at the end of ``records.models`` so the app keeps one ``models`` module.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from identity.storage import private_storage
from zikao.models import BusinessWindow, officer_field


class GraduationStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "已提交，待缴费"
    PENDING_COUNTY = "pending_county", "已缴费，待县区初审"
    PENDING_PROVINCE = "pending_province", "县区初审通过，待省招考中心审核"
    APPROVED = "approved", "已批准毕业"
    REJECTED_BY_COUNTY = "rejected_by_county", "县区初审未通过"
    REJECTED_BY_PROVINCE = "rejected_by_province", "省招考中心未批准"
    VOID = "void", "已失效（逾期未缴费）"


# One of these blocks another application of the candidate in the same window.
ACTIVE_GRADUATION_STATUSES = [
    GraduationStatus.AWAITING_PAYMENT,
    GraduationStatus.PENDING_COUNTY,
    GraduationStatus.PENDING_PROVINCE,
    GraduationStatus.APPROVED,
]
REJECTED_GRADUATION_STATUSES = [GraduationStatus.REJECTED_BY_COUNTY, GraduationStatus.REJECTED_BY_PROVINCE]
# A rejected candidate may resubmit once in the same window: at most two attempts.
MAX_ATTEMPTS = 2


class GraduationApplication(models.Model):
    Status = GraduationStatus
    ACTIVE_STATUSES = tuple(ACTIVE_GRADUATION_STATUSES)
    REJECTED_STATUSES = tuple(REJECTED_GRADUATION_STATUSES)

    candidate = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.PROTECT,
        related_name="graduation_applications",
        verbose_name="考生",
    )
    window = models.ForeignKey(
        BusinessWindow, on_delete=models.PROTECT, related_name="+", verbose_name="毕业申请时段"
    )
    attempt = models.PositiveSmallIntegerField("本时段第几次申请", default=1)
    major = models.ForeignKey(
        "exams.Major", on_delete=models.PROTECT, related_name="+", verbose_name="毕业专业"
    )
    plan_version = models.CharField("计划版本", max_length=3)
    credits = models.PositiveSmallIntegerField("申请时已获学分")
    photo = models.FileField("毕业照片", storage=private_storage, max_length=200)
    photo_sha256 = models.CharField("照片 SHA-256", max_length=64)
    photo_checks = models.JSONField("照片自动检查", default=list, blank=True)
    photo_needs_review = models.BooleanField("照片需人工复核", default=False)
    conduct_scan = models.FileField("思想品德鉴定表", storage=private_storage, max_length=200)
    fee_fen = models.PositiveIntegerField("申请费（分）")
    status = models.CharField(
        "状态",
        max_length=24,
        choices=GraduationStatus.choices,
        default=GraduationStatus.AWAITING_PAYMENT,
        db_index=True,
    )
    remark = models.CharField("未通过原因", max_length=200, blank=True)
    submitted_at = models.DateTimeField("申请时间", default=timezone.now)
    paid_at = models.DateTimeField("缴费时间", null=True, blank=True)
    county_decided_at = models.DateTimeField("县区初审时间", null=True, blank=True)
    county_decided_by = officer_field("县区初审人")
    province_decided_at = models.DateTimeField("省级审核时间", null=True, blank=True)
    province_decided_by = officer_field("省级审核人")
    graduation_date = models.DateField("毕业时间", null=True, blank=True)
    certificate_number = models.CharField("毕业证书编号", max_length=20, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "毕业申请"
        permissions = [
            ("precheck_graduation", "毕业申请县区初审"),
            ("decide_graduation", "毕业申请省级审核"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "window"],
                condition=Q(status__in=ACTIVE_GRADUATION_STATUSES),
                name="one_active_graduation_per_window",
            ),
            # The first application and one resubmission after a rejection, never a third.
            models.UniqueConstraint(
                fields=["candidate", "window", "attempt"], name="graduation_attempt_once"
            ),
            models.CheckConstraint(
                condition=Q(attempt__gte=1, attempt__lte=MAX_ATTEMPTS), name="graduation_resubmit_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in GraduationStatus]), name="graduation_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=GraduationStatus.APPROVED)
                | Q(graduation_date__isnull=False, certificate_number__isnull=False),
                name="approved_graduation_has_date_and_certificate",
            ),
            models.CheckConstraint(condition=Q(fee_fen__gt=0), name="graduation_fee_positive"),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self):
        """A short reference for pages, the order and the printout (no ID number in it)."""
        return f"BY{self.pk:08d}" if self.pk else "BY—"

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_rejected(self):
        return self.status in self.REJECTED_STATUSES

    @property
    def paid(self):
        return self.paid_at is not None

    @property
    def state_text(self):
        text = self.get_status_display()
        if self.is_rejected and self.remark:
            return f"{text}：{self.remark}"
        return text


class CertificateCounter(models.Model):
    """The last certificate sequence of one graduation half-year (``period`` = YYYY + 1 or 2);
    the row is locked while a number is taken, so concurrent approvals never share one."""

    period = models.CharField("毕业批次", max_length=5, primary_key=True)
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "毕业证书编号计数"

    def __str__(self):
        return f"{self.period}: {self.last}"
