"""Scores of a sitting (当次成绩), their publication and 成绩复核 requests.

A Score is imported unpublished and stays invisible to the candidate until its sitting's
publication (ScorePublication, one per sitting) flips every score of the sitting to published in
the transaction that also writes the passes into the ledger (records.scores.publish_scores).
"""

from django.db import models
from django.db.models import Q

from candidates.models import Candidate
from exams.models import Course, ExamSitting
from records.models import PASS_MARK
from zikao.models import officer_field


class Score(models.Model):
    """One candidate's result in one course of one sitting: a score 0–100, or a mark."""

    class Mark(models.TextChoices):
        NONE = "", "—"
        ABSENT = "absent", "缺考"
        VIOLATION = "violation", "违纪"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="scores", verbose_name="考生")
    sitting = models.ForeignKey(ExamSitting, on_delete=models.PROTECT, related_name="scores", verbose_name="考次")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", verbose_name="课程")
    score = models.DecimalField("成绩", max_digits=4, decimal_places=1, null=True, blank=True)
    mark = models.CharField("标记", max_length=10, choices=Mark.choices, blank=True, default="")
    published = models.BooleanField("已发布", default=False)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["sitting", "candidate", "course__code"]
        verbose_name = verbose_name_plural = "当次成绩"
        constraints = [
            models.UniqueConstraint(fields=["candidate", "sitting", "course"], name="score_once_per_sitting_course"),
            models.CheckConstraint(condition=Q(mark__in=["", "absent", "violation"]), name="score_mark_known"),
            # A score or a mark, never both and never neither.
            models.CheckConstraint(
                condition=Q(score__isnull=False, mark="") | Q(score__isnull=True, mark__in=["absent", "violation"]),
                name="score_xor_mark",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="score_in_range"
            ),
        ]
        indexes = [models.Index(fields=["sitting", "published"], name="score_sitting_published")]

    def __str__(self):
        return f"{self.sitting.code} {self.candidate} · {self.course}"

    @property
    def passed(self):
        return self.score is not None and self.score >= PASS_MARK

    @property
    def result_text(self):
        """成绩 as the candidate reads it: "72", "66.5", or 缺考 / 违纪."""
        if self.score is None:
            return self.get_mark_display()
        return format(self.score.normalize(), "f")

    @property
    def verdict(self):
        return "合格" if self.passed else "不合格"


class ScorePublication(models.Model):
    """The publication of a sitting's scores: one per sitting (a unique constraint), written in the
    transaction that makes the scores visible, so "published" is one committed fact."""

    sitting = models.OneToOneField(
        ExamSitting, on_delete=models.PROTECT, related_name="score_publication", verbose_name="考次"
    )
    published_at = models.DateTimeField("发布时间")
    published_by = officer_field("发布人")
    published_by_label = models.CharField("发布方式", max_length=60, blank=True)
    score_count = models.PositiveIntegerField("成绩条数", default=0)
    passed_count = models.PositiveIntegerField("合格条数", default=0)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = verbose_name_plural = "成绩发布"

    def __str__(self):
        return f"{self.sitting.label} 成绩发布"


class ScoreRecheck(models.Model):
    """成绩复核: a candidate's request about one published score, decided by the county office.

    One per score (so one per candidate, sitting and course). The result is 维持原成绩 or
    成绩更正 with the corrected score; the score before the request is kept for the record.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待复核"
        UNCHANGED = "unchanged", "维持原成绩"
        CORRECTED = "corrected", "成绩已更正"

    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="score_rechecks", verbose_name="考生"
    )
    # One request per score, so per candidate, sitting and course (the one-to-one's unique constraint).
    score = models.OneToOneField(Score, on_delete=models.PROTECT, related_name="recheck", verbose_name="成绩")
    reason = models.CharField("申请理由", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    original_score = models.DecimalField("原成绩", max_digits=4, decimal_places=1, null=True, blank=True)
    original_mark = models.CharField("原标记", max_length=10, choices=Score.Mark.choices, blank=True, default="")
    corrected_score = models.DecimalField("更正后成绩", max_digits=4, decimal_places=1, null=True, blank=True)
    remark = models.CharField("复核说明", max_length=200, blank=True)
    submitted_at = models.DateTimeField("申请时间")
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)
    decided_by = officer_field("复核人")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = verbose_name_plural = "成绩复核"
        permissions = [("decide_scorerecheck", "办理成绩复核")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "unchanged", "corrected"]), name="recheck_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="recheck_decided_when_not_pending",
            ),
            models.CheckConstraint(
                condition=(Q(status="corrected") & Q(corrected_score__gte=0, corrected_score__lte=100))
                | (~Q(status="corrected") & Q(corrected_score__isnull=True)),
                name="recheck_corrected_has_score",
            ),
        ]

    def __str__(self):
        return f"成绩复核 #{self.pk}"

    @property
    def original_text(self):
        if self.original_score is None:
            return Score.Mark(self.original_mark).label if self.original_mark else "—"
        return format(self.original_score.normalize(), "f")

    @property
    def corrected_text(self):
        return format(self.corrected_score.normalize(), "f") if self.corrected_score is not None else ""

    @property
    def outcome_text(self):
        if self.status == self.Status.CORRECTED:
            return f"成绩已更正为 {self.corrected_text}（原成绩 {self.original_text}）"
        return self.get_status_display()
