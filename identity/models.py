from django.db import models
from django.db.models import Q
from django.utils import timezone

from candidates.models import Candidate
from identity.storage import private_storage
from zikao.models import County, officer_field


class Slot(models.TextChoices):
    HEADSHOT = "headshot", "免冠彩色证件照（蓝底、白底、白灰底）"
    ID_CARD = "id_card", "身份证照片（人像面）"
    HANDHELD = "handheld", "手持身份证照（半身）"


SLOT_SHORT_LABELS = {Slot.HEADSHOT: "免冠照", Slot.ID_CARD: "身份证照片", Slot.HANDHELD: "手持身份证照"}


def slots_for(candidate):
    """三照 for a new candidate, 两照 for an enrolled one."""
    if candidate.kind == Candidate.Kind.NEW:
        return [Slot.HEADSHOT, Slot.ID_CARD, Slot.HANDHELD]
    return [Slot.ID_CARD, Slot.HANDHELD]


# Outside the model so that its Meta.constraints can name them (a nested class cannot see the
# model's attributes); the model exposes them as IdentitySubmission.Status / .ACTIVE_STATUSES.
class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    CHECKING = "checking", "检查中"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"
    NEEDS_REVIEW = "needs_review", "待人工审核"


ACTIVE_SUBMISSION_STATUSES = [SubmissionStatus.SUBMITTED, SubmissionStatus.CHECKING, SubmissionStatus.NEEDS_REVIEW]
FINAL_SUBMISSION_STATUSES = [SubmissionStatus.APPROVED, SubmissionStatus.REJECTED]


class IdentitySubmission(models.Model):
    """One upload of 三照 / 两照 and what became of it."""

    Status = SubmissionStatus
    ACTIVE_STATUSES = tuple(ACTIVE_SUBMISSION_STATUSES)
    FINAL_STATUSES = tuple(FINAL_SUBMISSION_STATUSES)

    class Method(models.TextChoices):
        AUTOMATIC = "automatic", "系统自动"
        OFFICER = "officer", "工作人员审核"
        IN_PERSON = "in_person", "现场核验"

    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="identity_submissions", verbose_name="考生"
    )
    attempt = models.PositiveSmallIntegerField("第几次提交")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    check_started_at = models.DateTimeField("开始检查时间", null=True, blank=True)
    check_runs = models.PositiveSmallIntegerField("检查运行次数", default=0)
    checked_at = models.DateTimeField("检查完成时间", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = officer_field("审核人")
    decided_automatically = models.BooleanField("系统自动决定", default=False)
    decision_method = models.CharField("决定方式", max_length=20, choices=Method.choices, blank=True)
    reasons = models.JSONField("告知考生的原因", default=list, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "身份验证申请"
        permissions = [
            ("decide_identitysubmission", "可以审核身份验证（通过 / 不通过）"),
            ("verify_identity_in_person", "可以办理现场核验通过"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(status__in=ACTIVE_SUBMISSION_STATUSES),
                name="identity_one_active_submission",
                violation_error_message="该考生已有一份正在处理的身份验证申请。",
            ),
            models.UniqueConstraint(fields=["candidate", "attempt"], name="identity_attempt_unique"),
            models.CheckConstraint(
                condition=~Q(status__in=FINAL_SUBMISSION_STATUSES) | Q(decided_at__isnull=False),
                name="identity_decided_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.candidate.name} 第{self.attempt}次身份验证"

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_checking(self):
        return self.status in (self.Status.SUBMITTED, self.Status.CHECKING)


class IdentityPhoto(models.Model):
    """A normalised photo (re-encoded JPEG, no metadata) in private storage."""

    submission = models.ForeignKey(
        IdentitySubmission, on_delete=models.PROTECT, related_name="photos", verbose_name="身份验证申请"
    )
    slot = models.CharField("照片", max_length=20, choices=Slot.choices)
    file = models.FileField("文件", storage=private_storage, max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    phash = models.CharField("感知哈希", max_length=16, db_index=True)
    size = models.PositiveIntegerField("文件大小（字节）")
    width = models.PositiveIntegerField("宽（像素）")
    height = models.PositiveIntegerField("高（像素）")
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        ordering = ["submission", "id"]
        verbose_name = verbose_name_plural = "身份验证照片"
        constraints = [models.UniqueConstraint(fields=["submission", "slot"], name="identity_photo_slot_unique")]

    def __str__(self):
        return self.get_slot_display()


class CheckResult(models.Model):
    """One measured automatic check of a submission."""

    class Name(models.TextChoices):
        FACE_COUNT = "face_count", "人脸检测"
        SAME_PERSON = "same_person", "是否同一人"
        BACKGROUND = "background", "免冠照背景"
        SHARPNESS = "sharpness", "清晰度"
        SAME_PICTURE = "same_picture", "同一照片重复上传"
        REUSED_HEADSHOT = "reused_headshot", "免冠照与其他考生重复"
        ID_NUMBER = "id_number", "身份证号码比对"
        FACE_ENGINE = "face_engine", "人脸识别引擎"
        PIPELINE = "pipeline", "自动检查过程"

    class Outcome(models.TextChoices):
        PASSED = "passed", "通过"
        FAILED = "failed", "不通过"
        UNCERTAIN = "uncertain", "需人工判断"
        NO_VERDICT = "no_verdict", "无结论"

    submission = models.ForeignKey(
        IdentitySubmission, on_delete=models.PROTECT, related_name="check_results", verbose_name="身份验证申请"
    )
    name = models.CharField("检查项", max_length=30, choices=Name.choices, db_index=True)
    subject = models.CharField("对象", max_length=60, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices)
    value = models.FloatField("测量值", null=True, blank=True)
    threshold = models.CharField("阈值", max_length=200, blank=True)
    detail = models.TextField("说明", blank=True)
    reason = models.TextField("告知考生的原因", blank=True)
    created_at = models.DateTimeField("检查时间", default=timezone.now)

    class Meta:
        ordering = ["submission", "id"]
        verbose_name = verbose_name_plural = "自动检查结果"

    def __str__(self):
        return f"{self.get_name_display()}：{self.get_outcome_display()}"

    @property
    def subject_label(self):
        labels = dict(SLOT_SHORT_LABELS)
        return " 与 ".join(labels.get(part, part) for part in self.subject.split(":") if part)


class TicketSequence(models.Model):
    """The last sequence number issued for a county in one exam sitting (准考证号后5位)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="区县")
    year = models.PositiveSmallIntegerField("年份")
    sitting = models.PositiveSmallIntegerField("考次", help_text="1：上半年（1–6月）；2：下半年（7–12月）")
    last_number = models.PositiveIntegerField("已发到的序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "准考证号序列"
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "sitting"], name="ticket_sequence_unique"),
            models.CheckConstraint(condition=Q(sitting__in=[1, 2]), name="ticket_sequence_sitting_1_or_2"),
        ]

    def __str__(self):
        return f"{self.county_id} {self.year}年第{self.sitting}次：{self.last_number}"
