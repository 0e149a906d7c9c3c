"""省际转出: a candidate moves their exam record (考籍) from Shanxi to another province.

Imported at the end of ``transfers.models`` so the app keeps one ``models`` module. The life of an
application (transfers.out has one service function per arrow):

    unconfirmed ──(signed 转出登记表 uploaded: 网上确认)──▶ pending_city ──▶ pending_province ──▶ sent ──▶ transferred
        │  ▲                                                 │                  │                │
        │  └──────(candidate corrects, window open)── returned ◀─────────────────┴────────────────┘
        └──(window closes unconfirmed)──▶ lapsed

``transferred`` closes the record in Shanxi (``Candidate.record_closed``).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from identity.storage import private_storage
from zikao.models import officer_field
from zikao.reference import PROVINCE_CODES

SHANXI = "14"
# 全国高等教育自学考试 keeps records in the 31 mainland provinces; a record moves only between their
# 自考办 (through the national platform), so 港澳台 are not targets, and Shanxi itself never is.
NOT_TARGETS = {SHANXI, "71", "81", "82"}
TARGET_PROVINCES = [(code, name) for code, name in PROVINCE_CODES.items() if code not in NOT_TARGETS]


class TransferOutStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "待网上确认"
    PENDING_CITY = "pending_city", "待市招考办审核"
    PENDING_PROVINCE = "pending_province", "待省招考中心初审"
    SENT = "sent", "已报送全国平台"
    TRANSFERRED = "transferred", "已转出"
    RETURNED = "returned", "已退回"
    LAPSED = "lapsed", "逾期未确认，已失效"


# One of these per candidate and window (database constraint). A returned application stays
# active: the candidate corrects it (the same application) while the window is open.
ACTIVE_OUT_STATUSES = [
    TransferOutStatus.UNCONFIRMED,
    TransferOutStatus.PENDING_CITY,
    TransferOutStatus.PENDING_PROVINCE,
    TransferOutStatus.SENT,
    TransferOutStatus.TRANSFERRED,
    TransferOutStatus.RETURNED,
]
# Confirmed by the candidate: the signed form is on file.
CONFIRMED_OUT_STATUSES = [
    TransferOutStatus.PENDING_CITY,
    TransferOutStatus.PENDING_PROVINCE,
    TransferOutStatus.SENT,
    TransferOutStatus.TRANSFERRED,
]
# Waiting for an office (whatever the window): a candidate has at most one such application.
IN_REVIEW_OUT_STATUSES = [
    TransferOutStatus.PENDING_CITY,
    TransferOutStatus.PENDING_PROVINCE,
    TransferOutStatus.SENT,
]


def signed_form_path(instance, filename):
    # A random name: nothing about the candidate (ID number, name) on disk.
    return f"transfers/out/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class TransferOut(models.Model):
    """One 省际转出申请. ``courses`` is the snapshot of the transferable passed courses printed on
    the 转出登记表 (exemptions never transfer); the signed form's photo confirms exactly that."""

    Status = TransferOutStatus
    ACTIVE_STATUSES = tuple(ACTIVE_OUT_STATUSES)
    CONFIRMED_STATUSES = tuple(CONFIRMED_OUT_STATUSES)
    IN_REVIEW_STATUSES = tuple(IN_REVIEW_OUT_STATUSES)

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="transfers_out", verbose_name="考生"
    )
    window = models.ForeignKey(
        "zikao.BusinessWindow", on_delete=models.PROTECT, related_name="+", verbose_name="业务时间窗口"
    )
    from_city = models.ForeignKey(
        "zikao.City", on_delete=models.PROTECT, related_name="+", verbose_name="所属地市"
    )
    from_county = models.ForeignKey(
        "zikao.County", on_delete=models.PROTECT, related_name="+", verbose_name="报名区县"
    )
    target_province = models.CharField("转入省份", max_length=2, choices=TARGET_PROVINCES)
    target_ticket_number = models.CharField("转入省准考证号", max_length=30)
    reason = models.CharField("转出原因", max_length=200)
    courses = models.JSONField("可转出合格课程（登记表快照）", default=list)
    snapshot_at = models.DateTimeField("登记表生成时间", default=timezone.now)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=TransferOutStatus.choices,
        default=TransferOutStatus.UNCONFIRMED,
        db_index=True,
    )
    signed_form = models.FileField(
        "签字登记表照片", storage=private_storage, upload_to=signed_form_path, max_length=200, blank=True
    )
    signed_form_sha256 = models.CharField("照片摘要", max_length=64, blank=True)
    confirmed_at = models.DateTimeField("网上确认时间", null=True, blank=True)
    idempotency_token = models.UUIDField("表单标识", unique=True, editable=False)
    submitted_at = models.DateTimeField("申请时间", default=timezone.now)
    city_decided_at = models.DateTimeField("市招考办审核时间", null=True, blank=True)
    city_decided_by = officer_field("市招考办审核人")
    province_decided_at = models.DateTimeField("省招考中心初审时间", null=True, blank=True)
    province_decided_by = officer_field("省招考中心初审人")
    closed_at = models.DateTimeField("转出完成时间", null=True, blank=True)
    closed_by = officer_field("确认转出人")
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    returned_by = officer_field("退回人")
    return_reason = models.CharField("退回原因", max_length=200, blank=True)
    lapsed_at = models.DateTimeField("失效时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "省际转出申请"
        permissions = [
            ("decide_out_city", "审核省际转出（市招考办）"),
            ("decide_out_province", "初审、报送并确认省际转出（省招考中心）"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "window"],
                condition=Q(status__in=ACTIVE_OUT_STATUSES),
                name="one_active_transfer_out_per_window",
            ),
            models.CheckConstraint(
                condition=Q(target_province__in=[code for code, _ in TARGET_PROVINCES]),
                name="transfer_out_to_another_province",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=CONFIRMED_OUT_STATUSES)
                | (~Q(signed_form="") & Q(confirmed_at__isnull=False)),
                name="confirmed_transfer_out_has_signed_form",
            ),
            models.CheckConstraint(
                condition=~Q(status=TransferOutStatus.RETURNED) | ~Q(return_reason=""),
                name="returned_transfer_out_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=TransferOutStatus.values),
                name="transfer_out_status_known",
            ),
        ]
        indexes = [models.Index(fields=["window", "status"])]

    def __str__(self):
        return self.number

    @property
    def number(self):
        """申请编号: ZC + 8 digits (no ID number in it)."""
        return f"ZC{self.pk:08d}" if self.pk else "ZC—"

    @property
    def target_province_name(self):
        return PROVINCE_CODES.get(self.target_province, self.target_province)

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def state_text(self):
        """The state in words, as the candidate reads it."""
        if self.status == self.Status.RETURNED:
            return f"已退回：{self.return_reason}"
        if self.status == self.Status.TRANSFERRED:
            return f"已转出至{self.target_province_name}"
        return self.get_status_display()
