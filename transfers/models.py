from django.db import models
from django.utils import timezone

from candidates.models import Candidate
from zikao.models import BusinessWindow, City, County, officer_field


# Outside the model so that its Meta.constraints can name them (a nested class cannot see the
# model's attributes); the model exposes them as TransferApplication.Status / .ACTIVE_STATUSES.
class TransferStatus(models.TextChoices):
    PENDING_ORIGIN = "pending_origin", "待原属地市审核"
    PENDING_DESTINATION = "pending_destination", "待转入市审核"
    ACCEPTED = "accepted", "已转入"
    REJECTED_BY_ORIGIN = "rejected_by_origin", "原属地市未同意转出"
    REJECTED_BY_DESTINATION = "rejected_by_destination", "转入市未同意转入"
    WITHDRAWN = "withdrawn", "已撤销"


# An application in one of these states blocks another one in the same window. A refused or
# withdrawn one does not: the candidate may apply again while the window is open (another city).
ACTIVE_TRANSFER_STATUSES = [TransferStatus.PENDING_ORIGIN, TransferStatus.PENDING_DESTINATION, TransferStatus.ACCEPTED]


class TransferApplication(models.Model):
    """One candidate's request to move their 报名区县 to another city of Shanxi."""

    Status = TransferStatus
    ACTIVE_STATUSES = tuple(ACTIVE_TRANSFER_STATUSES)
    REFUSED_STATUSES = (Status.REJECTED_BY_ORIGIN, Status.REJECTED_BY_DESTINATION)

    number = models.CharField("申请编号", max_length=20, unique=True)
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="transfer_applications", verbose_name="考生"
    )
    window = models.ForeignKey(
        BusinessWindow, on_delete=models.PROTECT, related_name="transfer_applications", verbose_name="业务时间窗口"
    )
    from_city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+", verbose_name="原属地市")
    from_county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="原报名区县")
    to_city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+", verbose_name="转入市")
    to_county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name="转入区县"
    )
    status = models.CharField(
        "状态", max_length=30, choices=Status.choices, default=Status.PENDING_ORIGIN, db_index=True
    )
    remark = models.TextField("不同意的原因", blank=True)
    # One per rendered form: a double-clicked or re-posted submit finds the
    # application it already created instead of making a second one.
    idempotency_token = models.UUIDField("表单标识", unique=True, editable=False)
    submitted_at = models.DateTimeField("申请时间", default=timezone.now)
    origin_decided_at = models.DateTimeField("原属地市审核时间", null=True, blank=True)
    origin_decided_by = officer_field("原属地市审核人")
    destination_decided_at = models.DateTimeField("转入市审核时间", null=True, blank=True)
    destination_decided_by = officer_field("转入市审核人")
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "省内转考申请"
        permissions = [
            ("decide_origin", "审核转出（原属地市）"),
            ("decide_destination", "审核转入（转入市）"),
            ("export_transferapplication", "导出省内转考申请"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "window"],
                condition=models.Q(status__in=ACTIVE_TRANSFER_STATUSES),
                name="one_active_transfer_per_window",
            ),
            models.CheckConstraint(
                condition=~models.Q(to_city=models.F("from_city")), name="transfer_to_another_city"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=TransferStatus.ACCEPTED) | models.Q(to_county__isnull=False),
                name="accepted_transfer_has_county",
            ),
        ]
        indexes = [models.Index(fields=["window", "status"])]

    def __str__(self):
        return self.number

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_refused(self):
        return self.status in self.REFUSED_STATUSES

    @property
    def remark_text(self):
        """备注 in words, as the candidate reads it on the details page and the PDF."""
        if self.status == self.Status.ACCEPTED:
            return f"已转入 {self.to_county.full_name}"
        if self.status in self.REFUSED_STATUSES:
            return f"未通过：{self.remark}"
        return self.get_status_display()


class DailyNumberCounter(models.Model):
    """The last sequence number handed out on one (Asia/Shanghai) day.

    Application numbers are SNZK + YYYYMMDD + a 5-digit daily sequence; the row
    of the day is locked while a number is taken so two submissions never get
    the same one.
    """

    day = models.DateField("日期", primary_key=True)
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "申请编号计数"

    def __str__(self):
        return f"{self.day:%Y%m%d}: {self.last}"


# 省际转出 lives in its own module (transfers/out_*.py); imported here so the app has one models module.
from transfers.out_models import TransferOut  # noqa: E402, F401
