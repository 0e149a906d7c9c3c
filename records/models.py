"""The candidate's exam record (考籍): the ledger of passed courses, whatever made them passed."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from candidates.models import Candidate
from exams.models import Course, ExamSitting
from zikao.models import officer_field

PASS_MARK = 60


class PassedCourse(models.Model):
    """合格成绩: one row per candidate and course. Every business that makes a course passed
    (published scores, exemptions, transfers in, substitutions) writes through
    ``records.services.add_passed_course``; graduation and transfer-out rules read only this."""

    class Source(models.TextChoices):
        EXAM = "exam", "考试"
        EXEMPTION = "exemption", "免考"
        TRANSFER_IN = "transfer_in", "转入"
        SUBSTITUTION = "substitution", "顶替"

    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="passed_courses", verbose_name="考生"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", verbose_name="课程")
    score = models.DecimalField(
        "成绩", max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    sitting = models.ForeignKey(
        ExamSitting, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="合格考次"
    )
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    note = models.CharField("说明", max_length=100, blank=True)
    recorded_at = models.DateTimeField("登记时间", default=timezone.now, db_index=True)
    recorded_by = officer_field("登记人")

    class Meta:
        ordering = ["candidate", "course__code"]
        verbose_name = verbose_name_plural = "合格成绩"
        constraints = [
            models.UniqueConstraint(fields=["candidate", "course"], name="course_passed_once"),
            models.CheckConstraint(
                condition=Q(source__in=["exam", "exemption", "transfer_in", "substitution"]),
                name="passed_source_known",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="passed_score_in_range"
            ),
            # A course passed by examination has a passing score and the sitting it was passed in.
            models.CheckConstraint(
                condition=~Q(source="exam") | Q(score__gte=PASS_MARK, sitting__isnull=False),
                name="exam_pass_has_score_and_sitting",
            ),
        ]

    def __str__(self):
        return f"{self.candidate} · {self.course}"

    @property
    def score_text(self):
        if self.score is None:
            return self.get_source_display()
        return format(self.score.normalize(), "f")


from records.exemption_models import ExemptionApplication, ExemptionItem, ExemptionPhoto  # noqa: E402, F401
from records.graduation_models import CertificateCounter, GraduationApplication  # noqa: E402, F401 — 毕业申请
from records.score_models import Score, ScorePublication, ScoreRecheck  # noqa: E402, F401
