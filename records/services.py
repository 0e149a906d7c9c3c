"""The one way into the ledger of passed courses (合格成绩).

Published scores, approved exemptions, transfers in, substitutions and operators' imports all
call ``add_passed_course``. Lock order: the candidate row, then the ledger.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from candidates.models import Candidate
from records.models import PASS_MARK, PassedCourse
from zikao.audit import AuditAction, new_event, record_event, record_events
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


def _exam_pass_score(value, sitting):
    if sitting is None:
        raise RecordError("考试合格的课程必须注明合格考次。", code="exam_without_sitting")
    score = _score(value)
    if score is None or score < PASS_MARK:
        raise RecordError(f"考试成绩须达到{PASS_MARK}分才能登记为合格。", code="score_below_pass")
    return score


def _facts(entry):
    """What makes two ledger entries of one course the same pass (a re-run, not a second pass)."""
    return entry.source, entry.score, entry.sitting_id


def _added_event(entry, *, actor, actor_label):
    return new_event(
        actor=actor, actor_label=actor_label, action=AuditAction.PASSED_COURSE_ADD, obj=entry,
        to_state=entry.source,
        data={"course": entry.course.code, "score": str(entry.score) if entry.score is not None else None,
              "sitting": entry.sitting.code if entry.sitting else None},
    )


def add_passed_course(*, candidate, course, source, score=None, sitting=None, actor=None, actor_label="",
                      note="", now=None):
    """Record that ``candidate`` passed ``course``; returns ``(entry, created)``.

    A course is passed once: the same facts again return the existing entry (imports and
    repeated publications are safe to re-run); different facts for a course already in the
    ledger are refused, because the first pass is the one that counts.
    """
    source = Source(source)
    score = _exam_pass_score(score, sitting) if source == Source.EXAM else _score(score)
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        existing = PassedCourse.objects.filter(candidate=candidate, course=course).first()
        if existing is not None:
            same = _facts(existing) == (source, score, sitting.pk if sitting else None)
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
        record_events([_added_event(entry, actor=actor, actor_label=actor_label)])
    return entry, True


LEDGER_BATCH = 1000  # candidates per batch of add_exam_passes


def add_exam_passes(*, sitting, passes, actor=None, actor_label="", now=None):
    """A publication's passing scores into the ledger: what add_passed_course does for each, a batch
    of LEDGER_BATCH candidates at a time in five statements (lock the candidates in id order, read
    their ledger, insert the new entries, insert their audit events) instead of about six per score.
    10,000 candidates (40,000 scores, 23,261 passes) on PostgreSQL: the publication's transaction, every
    score invisible until it commits, took 70.3 s one score at a time and takes 6.0 s (docs/benchmarks.md).

    ``passes``: ``(candidate_id, course, score)`` of ``sitting``, ordered by candidate (an iterator
    is fine). A course already in the ledger with the same facts counts as passed (a re-run); with
    other facts (an exemption, an earlier pass) it is left as it is: the first pass counts.
    Returns ``(passed, already_in_ledger)``."""
    now = now or timezone.now()
    passed = already = 0
    batch = {}
    for candidate_id, course, score in passes:
        if candidate_id not in batch and len(batch) >= LEDGER_BATCH:
            counts = _add_exam_pass_batch(batch, sitting=sitting, actor=actor, actor_label=actor_label, now=now)
            passed, already, batch = passed + counts[0], already + counts[1], {}
        batch.setdefault(candidate_id, []).append((course, _exam_pass_score(score, sitting)))
    if batch:
        counts = _add_exam_pass_batch(batch, sitting=sitting, actor=actor, actor_label=actor_label, now=now)
        passed, already = passed + counts[0], already + counts[1]
    return passed, already


def _add_exam_pass_batch(batch, *, sitting, actor, actor_label, now):
    passed = already = 0
    with transaction.atomic():
        list(Candidate.objects.select_for_update().filter(pk__in=batch).order_by("pk").values_list("pk", flat=True))
        ledger = {
            (entry.candidate_id, entry.course_id): _facts(entry)
            for entry in PassedCourse.objects.filter(candidate_id__in=batch).only(
                "candidate_id", "course_id", "source", "score", "sitting_id")
        }
        new = []
        for candidate_id, courses in batch.items():
            for course, score in courses:
                facts = ledger.get((candidate_id, course.pk))
                if facts is None:
                    ledger[candidate_id, course.pk] = (Source.EXAM, score, sitting.pk)
                    new.append(PassedCourse(candidate_id=candidate_id, course=course, source=Source.EXAM, score=score,
                                            sitting=sitting, recorded_at=now, recorded_by=actor))
                elif facts == (Source.EXAM, score, sitting.pk):
                    passed += 1
                else:
                    already += 1
        created = PassedCourse.objects.bulk_create(new, batch_size=1000)
        record_events([_added_event(entry, actor=actor, actor_label=actor_label) for entry in created])
    return passed + len(created), already


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
