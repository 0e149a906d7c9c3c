"""免考申请: one application per candidate and window, one item per course, each with its own
result and reason; reviewed county → city → province. See records/exemptions.py for the rules.

Imported at the end of ``records.models`` so the app keeps one ``models`` module.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from identity.storage import private_storage
from zikao.models import BusinessWindow, County, officer_field


class ExemptionStatus(models.TextChoices):
    DRAFT = "draft", "待确认提交"
    PENDING_COUNTY = "pending_county", "待县区招考办审核"
    PENDING_CITY = "pending_city", "待市招考办审核"
    PENDING_PROVINCE = "pending_province", "待省招考中心审核"
    DECIDED = "decided", "审核完成"
    WITHDRAWN = "withdrawn", "已撤销"


PENDING_EXEMPTION_STATUSES = [
    ExemptionStatus.PENDING_COUNTY, ExemptionStatus.PENDING_CITY, ExemptionStatus.PENDING_PROVINCE,
]
# One of these blocks another application in the same window; a draft or a withdrawn one does not.
ACTIVE_EXEMPTION_STATUSES = [*PENDING_EXEMPTION_STATUSES, ExemptionStatus.DECIDED]


class ExemptionApplication(models.Model):
    Status = ExemptionStatus
    ACTIVE_STATUSES = tuple(ACTIVE_EXEMPTION_STATUSES)
    PENDING_STATUSES = tuple(PENDING_EXEMPTION_STATUSES)
    # status waiting → the office (step) that decides it
    STEP_OF = {
        ExemptionStatus.PENDING_COUNTY: "county",
        ExemptionStatus.PENDING_CITY: "city",
        ExemptionStatus.PENDING_PROVINCE: "province",
    }

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="exemption_applications", verbose_name="考生"
    )
    window = models.ForeignKey(BusinessWindow, on_delete=models.PROTECT, related_name="+", verbose_name="免考申请时段")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="报名区县")
    rule = models.ForeignKey("exams.ExemptionRule", on_delete=models.PROTECT, related_name="+", verbose_name="免考依据")
    certificate_number = models.CharField("证书编号", max_length=40)
    issuer = models.CharField("发证单位", max_length=60)
    issued_on = models.DateField("发证日期")
    status = models.CharField("状态", max_length=20, choices=ExemptionStatus.choices, default=ExemptionStatus.DRAFT,
                              db_index=True)
    created_at = models.DateTimeField("填写时间", default=timezone.now)
    submitted_at = models.DateTimeField("申请时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    published_at = models.DateTimeField("结果发布时间", null=True, blank=True)
    county_decided_at = models.DateTimeField("县区审核时间", null=True, blank=True)
    county_decided_by = officer_field("县区审核人")
    city_decided_at = models.DateTimeField("市审核时间", null=True, blank=True)
    city_decided_by = officer_field("市审核人")
    province_decided_at = models.DateTimeField("省审核时间", null=True, blank=True)
    province_decided_by = officer_field("省审核人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "免考申请"
        permissions = [("decide_exemption", "审核免考申请"), ("publish_exemption", "发布免考审核结果")]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "window"], condition=Q(status__in=ACTIVE_EXEMPTION_STATUSES),
                name="one_active_exemption_per_window",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in ExemptionStatus]), name="exemption_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="exemption_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status="decided"), name="exemption_published_when_decided",
            ),
        ]
        indexes = [models.Index(fields=["window", "status"])]

    def __str__(self):
        return self.number

    @property
    def number(self):
        return f"MK{self.pk:08d}" if self.pk else "MK—"

    @property
    def step(self):
        return self.STEP_OF.get(self.status)

    @property
    def is_pending(self):
        return self.status in self.PENDING_STATUSES

    @property
    def results_published(self):
        return self.published_at is not None

    @property
    def state_text(self):
        """What the candidate reads: never the half-decided state before publication."""
        if self.status == ExemptionStatus.DECIDED:
            return "审核结果已发布" if self.published_at else "审核中（结果待省招考中心发布）"
        if self.is_pending:
            return "审核中"
        return self.get_status_display()


class ItemResult(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "同意"
    REFUSED = "refused", "不同意"


class ExemptionItem(models.Model):
    """One course the candidate asks to be exempted from, with the offices' verdict so far."""

    Result = ItemResult
    STEP_LABELS = {"county": "县区招考办", "city": "市招考办", "province": "省招考中心"}

    application = models.ForeignKey(
        ExemptionApplication, on_delete=models.CASCADE, related_name="items", verbose_name="免考申请"
    )
    course = models.ForeignKey("exams.Course", on_delete=models.PROTECT, related_name="+", verbose_name="课程")
    plan_credits = models.PositiveSmallIntegerField("计划学分")
    prior_course_name = models.CharField("原课程名称", max_length=60, blank=True)
    prior_credits = models.PositiveSmallIntegerField("原课程学分", null=True, blank=True)
    result = models.CharField("审核结果", max_length=10, choices=ItemResult.choices, default=ItemResult.PENDING)
    reason = models.CharField("不同意的原因", max_length=200, blank=True)
    decided_step = models.CharField("审核单位", max_length=10, blank=True)

    class Meta:
        ordering = ["application", "course__code"]
        verbose_name = verbose_name_plural = "免考申请课程"
        constraints = [
            models.UniqueConstraint(fields=["application", "course"], name="exemption_course_once_per_application"),
            models.CheckConstraint(condition=~Q(result="refused") | ~Q(reason=""), name="exemption_refusal_has_reason"),
        ]

    def __str__(self):
        return str(self.course)

    @property
    def decided_by_label(self):
        return self.STEP_LABELS.get(self.decided_step, "")


class ExemptionPhoto(models.Model):
    """A photo of an original certificate: normalised by identity.intake, stored privately."""

    application = models.ForeignKey(
        ExemptionApplication, on_delete=models.CASCADE, related_name="photos", verbose_name="免考申请"
    )
    file = models.FileField("文件", storage=private_storage, max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("文件大小（字节）")
    width = models.PositiveIntegerField("宽（像素）")
    height = models.PositiveIntegerField("高（像素）")
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = verbose_name_plural = "免考证书照片"

    def __str__(self):
        return f"{self.application.number} 证书照片 {self.pk}"
