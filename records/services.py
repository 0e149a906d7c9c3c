"""The one way into the ledger of passed courses (合格成绩).

Published scores, approved exemptions, transfers in, substitutions and operators' imports all
call ``add_passed_course``. Lock order: the candidate row, then the ledger.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from candidates.models import Candidate
from records.models import PASS_MARK, PassedCourse
from zikao.audit import AuditAction, record_event
from zikao.errors import DomainError

Source = PassedCourse.Source


class RecordError(DomainError):
    """A ledger entry that cannot be made; ``message`` says why in Chinese."""


def _score(value):
    if value is None or value == "":
        return None
    try:
        score = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise RecordError(f"成绩“{value}”不是数字。", code="bad_score") from None
    if not Decimal(0) <= score <= Decimal(100):
        raise RecordError("成绩应在0到100之间。", code="bad_score")
    return score


def add_passed_course(*, candidate, course, source, score=None, sitting=None, actor=None, actor_label="",
                      note="", now=None):
    """Record that ``candidate`` passed ``course``; returns ``(entry, created)``.

    A course is passed once: the same facts again return the existing entry (imports and
    repeated publications are safe to re-run); different facts for a course already in the
    ledger are refused, because the first pass is the one that counts.
    """
    source = Source(source)
    score = _score(score)
    if source == Source.EXAM:
        if sitting is None:
            raise RecordError("考试合格的课程必须注明合格考次。", code="exam_without_sitting")
        if score is None or score < PASS_MARK:
            raise RecordError(f"考试成绩须达到{PASS_MARK}分才能登记为合格。", code="score_below_pass")
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        existing = PassedCourse.objects.filter(candidate=candidate, course=course).first()
        if existing is not None:
            same = (existing.source, existing.score, existing.sitting_id) == (
                source, score, sitting.pk if sitting else None,
            )
            if same:
                return existing, False
            when = f"已于{existing.sitting.label}" if existing.sitting else "已"
            raise RecordError(
                f"课程 {course.code} {course.name} {when}以“{existing.get_source_display()}”登记为合格，不能重复登记。",
                code="already_passed",
            )
        entry = PassedCourse.objects.create(
            candidate=candidate, course=course, source=source, score=score, sitting=sitting, note=note,
            recorded_at=now or timezone.now(), recorded_by=actor,
        )
        record_event(
            actor=actor, actor_label=actor_label, action=AuditAction.PASSED_COURSE_ADD, obj=entry,
            to_state=source.value,
            data={"course": course.code, "score": str(score) if score is not None else None,
                  "sitting": sitting.code if sitting else None},
        )
    return entry, True


def correct_exam_score(*, candidate, course, sitting, score, actor=None, actor_label=""):
    """A 成绩复核 corrected the passing score of ``course`` passed in ``sitting``: the ledger entry
    keeps its pass and takes the corrected score (still a pass). Returns the entry."""
    score = _score(score)
    if score is None or score < PASS_MARK:
        raise RecordError(f"更正后的成绩须达到{PASS_MARK}分，已登记的合格课程不能在此撤销。", code="score_below_pass")
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=candidate.pk)
        entry = PassedCourse.objects.filter(
            candidate=candidate, course=course, sitting=sitting, source=Source.EXAM
        ).first()
        if entry is None:
            raise RecordError(f"课程 {course.code} 没有{sitting.label}考试合格的记录。", code="no_exam_pass")
        if entry.score == score:
            return entry
        before = entry.score
        entry.score = score
        entry.save(update_fields=["score"])
        record_event(
            actor=actor, actor_label=actor_label, action=AuditAction.PASSED_COURSE_CORRECT, obj=entry,
            from_state=str(before), to_state=str(score), data={"course": course.code, "sitting": sitting.code},
        )
    return entry
