"""免考规则: the bases a candidate may cite (a prior diploma's transcript, CET-4, a computer-skills
certificate …) and the courses each can exempt. Kept by province officers in admin and imported
with ``import_catalogue``; the applications themselves live in ``records.exemption_models``.

Imported at the end of ``exams.models`` so the app still has one ``models`` module.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

EXEMPTION_RULE_CODE_RE = r"^[A-Z0-9_-]{2,20}$"
# 毕业考核 is never exempted, whatever its exam mode says.
NEVER_EXEMPTED_NAMES = ("毕业考核",)


class ExemptionRule(models.Model):
    """A basis (免考依据) and the conditions under which it exempts courses."""

    code = models.CharField(
        "依据代码", max_length=20, unique=True, help_text="大写字母、数字或连字符，例如 CET4、NCRE2、XUELI。",
    )
    name = models.CharField("免考依据", max_length=60, help_text="例如 全国大学英语四级、国家承认学历的课程成绩。")
    same_course_required = models.BooleanField(
        "须同名课程且学分不低于计划", default=False,
        help_text="以学历成绩单为依据时勾选：考生须填写原课程名称和学分，名称须相同、学分不低于本专业计划的学分。"
                  "未列出课程时，本专业计划中的所有笔试课程均可申请。",
    )
    active = models.BooleanField("可申请", default=True)
    remark = models.CharField("说明", max_length=200, blank=True, help_text="考生申请时看到的说明，例如 须成绩合格（425分及以上）。")
    courses = models.ManyToManyField(
        "exams.Course", through="ExemptionRuleCourse", related_name="exemption_rules", verbose_name="可免考课程",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "免考规则"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=EXEMPTION_RULE_CODE_RE), name="exemption_rule_code_format"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        self.code = (self.code or "").strip().upper()
        if not _matches(self.code):
            raise ValidationError({"code": "依据代码只能用大写字母、数字、下划线或连字符（2至20位），例如 CET4。"})


def _matches(code):
    return re.fullmatch(EXEMPTION_RULE_CODE_RE, code) is not None


def course_never_exempted(course):
    """Why ``course`` can never be exempted ('' when it can): practicals and 毕业考核."""
    if course.exam_mode == "practical":
        return f"{course.code} {course.name}是实践性环节，不能免考。"
    if any(name in course.name for name in NEVER_EXEMPTED_NAMES):
        return f"{course.code} {course.name}不能免考。"
    return ""


class ExemptionRuleCourse(models.Model):
    rule = models.ForeignKey(ExemptionRule, on_delete=models.CASCADE, related_name="rule_courses", verbose_name="免考规则")
    course = models.ForeignKey("exams.Course", on_delete=models.PROTECT, related_name="+", verbose_name="可免考课程")

    class Meta:
        ordering = ["rule", "course__code"]
        verbose_name = verbose_name_plural = "免考规则课程"
        constraints = [models.UniqueConstraint(fields=["rule", "course"], name="exemption_rule_course_once")]

    def __str__(self):
        return f"{self.rule.code} → {self.course}"

    def clean(self):
        if self.course_id is not None:
            why = course_never_exempted(self.course)
            if why:
                raise ValidationError({"course": why})
