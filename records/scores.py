"""Scores of a sitting (当次成绩): import, publication and 成绩复核.

Lock order, everywhere: the sitting (import, publication), then the candidate (the ledger's
``add_passed_course``, re-check requests and decisions), then the score, then the re-check.

Publication is one transaction: every score of the sitting becomes published (one UPDATE), every
score ≥ 60 enters the ledger, the ScorePublication row is written and each candidate gets a
message. A reader therefore sees either none of the sitting's scores or all of them. It is safe to
attempt twice, from any number of processes: the sitting row is locked and the publication is
unique per sitting. It runs from ``manage.py publish_scores``, from Celery beat
(``records.tasks.publish_due_scores``) and, in the embedded default, at request time
(``publish_if_due``) so that nothing depends on a scheduler being up.

成绩复核 only checks that answer sheets were all marked and totals added and entered correctly,
so the county office's result is 维持原成绩 or a corrected score. A correction that would turn a
pass into a fail is refused here: the pass is already in the ledger, where graduation and
transfer-out decisions may have relied on it, and no service of the portal takes a course out of
the ledger; such a case goes to the province centre (outside this flow).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from candidates.messaging import send_candidate_message, send_candidate_messages
from candidates.models import Candidate
from candidates.scopes import by_scope
from exams.models import Course, ExamSitting
from records import score_selectors
from records import services as ledger
from records.score_models import PASS_MARK, Score, ScorePublication, ScoreRecheck
from zikao.audit import AuditAction, record_event
from zikao.copies import UNREAD, read_copies
from zikao.errors import DomainError
from zikao.tabular import RowError, RowRefused, TableFileError, column_positions, read_tables, row_values

Mark = Score.Mark
Status = ScoreRecheck.Status
SCORES_URL = "/records/scores/"


class ScoreError(DomainError):
    """A score operation refused; ``message`` says why in Chinese."""


def local_today(now=None):
    return timezone.localtime(now or timezone.now()).date()


def _fmt(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def parse_score(text):
    """"72" / "66.5" → (Decimal, ""); "缺考" / "违纪" → (None, mark). Raises RowRefused."""
    text = (text or "").strip()
    for mark in (Mark.ABSENT, Mark.VIOLATION):
        if text in (mark.label, mark.value):
            return None, mark.value
    try:
        value = Decimal(text).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise RowRefused(f"成绩“{text}”无效，应为0到100之间的分数，或“缺考”“违纪”。") from None
    if not Decimal(0) <= value <= Decimal(100):
        raise RowRefused(f"成绩“{text}”超出范围，应在0到100之间。")
    return value, ""


def _digits(text, width):
    """Excel drops leading zeros of numeric-looking codes: pad them back."""
    text = (text or "").strip()
    return text.zfill(width) if text.isdigit() and len(text) < width else text


# --------------------------------------------------------------------------- import

COLUMNS = {
    "ticket_number": ("准考证号", "ticket_number"),
    "course": ("课程代码", "course_code"),
    "score": ("成绩", "score"),
    "sitting": ("考次", "sitting"),
}
REQUIRED = ("ticket_number", "course", "score")


@dataclass
class ScoreReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    encoding: str = ""
    sittings: list = field(default_factory=list)


def import_scores_file(raw, *, sitting_code="", actor=None, actor_label="", dry_run=False):
    """Import a marking centre's table (准考证号, 课程代码, 成绩 or 缺考/违纪, optional 考次).

    Row by row, like ``import_passed``: good rows are saved, each bad row is reported as
    ``第 N 行：原因``. Scores of a sitting already published are refused (corrections then go
    through 成绩复核); a changed score of an unpublished sitting replaces the old one (audited).
    The same file imported twice changes nothing.
    """
    table = read_tables(raw)[0]
    positions = column_positions(table.header, COLUMNS, required=REQUIRED)
    if not sitting_code and "sitting" not in positions:
        raise TableFileError("文件中没有“考次”列，请用 --sitting 指定考次，例如 --sitting 202610。", code="no_sitting")
    report = ScoreReport(encoding=table.encoding)
    rows = [(line, row_values(cells, positions)) for line, cells in table.rows]
    for _, values in rows:
        values["ticket_number"] = _digits(values.get("ticket_number"), 12)
        values["course"] = _digits(values.get("course"), 5)
        values["sitting"] = values.get("sitting") or sitting_code
    with transaction.atomic():
        sittings = {
            s.code: s for s in ExamSitting.objects.select_for_update().filter(
                code__in={values["sitting"] for _, values in rows}
            ).order_by("pk")
        }
        if sitting_code and sitting_code not in sittings:
            raise ScoreError(f"考次 {sitting_code} 不存在，请先用 import_catalogue 导入考次。", code="unknown_sitting")
        published = set(ScorePublication.objects.filter(sitting__in=sittings.values()).values_list("sitting_id", flat=True))
        candidates = {
            c.ticket_number: c for c in Candidate.objects.filter(
                ticket_number__in={values["ticket_number"] for _, values in rows}
            ).only("pk", "ticket_number")
        }
        courses = {c.code: c for c in Course.objects.filter(code__in={values["course"] for _, values in rows})}
        existing = {
            (s.candidate_id, s.sitting_id, s.course_id): s
            for s in Score.objects.filter(sitting__in=sittings.values(), candidate__in=candidates.values())
        }
        seen, new, counts = {}, [], {}
        for line, values in rows:
            try:
                outcome = _import_row(
                    values, line=line, sitting_code=sitting_code, sittings=sittings, published=published,
                    candidates=candidates, courses=courses, existing=existing, seen=seen, new=new,
                    actor=actor, actor_label=actor_label,
                )
            except RowRefused as error:
                report.errors.append(RowError(line, str(error)))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
            counts.setdefault(values["sitting"], {"created": 0, "updated": 0, "unchanged": 0})[outcome] += 1
        Score.objects.bulk_create(new, batch_size=1000)
        for code, count in sorted(counts.items()):
            record_event(
                actor=actor, actor_label=actor_label, action=AuditAction.SCORES_IMPORT, obj=sittings[code],
                data={**count, "errors": len(report.errors), "dry_run": dry_run},
            )
        report.sittings = sorted(counts)
        if dry_run:
            transaction.set_rollback(True)
        else:
            transaction.on_commit(forget_state)
    return report


def _import_row(values, *, line, sitting_code, sittings, published, candidates, courses, existing, seen, new,
                actor, actor_label):
    missing = [COLUMNS[key][0] for key in REQUIRED if not values.get(key)]
    if missing:
        raise RowRefused("缺少" + "、".join(missing) + "。")
    code = values["sitting"]
    if sitting_code and code != sitting_code:
        raise RowRefused(f"考次 {code} 与命令指定的考次 {sitting_code} 不一致。")
    sitting = sittings.get(code)
    if sitting is None:
        raise RowRefused(f"考次 {code} 不存在。")
    if sitting.pk in published:
        raise RowRefused(f"{sitting.label}考次的成绩已经发布，不能再导入或修改；成绩有误请通过成绩复核更正。")
    candidate = candidates.get(values["ticket_number"])
    if candidate is None:
        raise RowRefused(f"准考证号 {values['ticket_number']} 不存在。")
    course = courses.get(values["course"])
    if course is None:
        raise RowRefused(f"课程代码 {values['course']} 不存在，请先用 import_catalogue 导入课程。")
    score, mark = parse_score(values["score"])
    key = (candidate.pk, sitting.pk, course.pk)
    if key in seen:
        raise RowRefused(f"与第 {seen[key]} 行重复（同一准考证号、同一课程）。")
    seen[key] = line
    current = existing.get(key)
    if current is None:
        new.append(Score(candidate=candidate, sitting=sitting, course=course, score=score, mark=mark))
        return "created"
    if (current.score, current.mark) == (score, mark):
        return "unchanged"
    before = current.result_text
    current.score, current.mark = score, mark
    current.save(update_fields=["score", "mark", "updated_at"])
    record_event(
        actor=actor, actor_label=actor_label, action=AuditAction.SCORE_IMPORT_CHANGE, obj=current,
        from_state=before, to_state=current.result_text, data={"line": line},
    )
    return "updated"


# --------------------------------------------------------------------------- publication


@dataclass
class Publication:
    sitting: ExamSitting
    scores: int
    passed: int
    already_in_ledger: int
    candidates: int


def publish_scores(*, sitting, actor=None, actor_label="", now=None, early=False):
    """The operator publishes ``sitting``'s scores (waits for a publication already running).

    Refused before the sitting's publication time unless ``early``, when there is nothing to
    publish, and when it is already published.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = ExamSitting.objects.select_for_update().get(pk=sitting.pk)
        if not early and locked.score_publish_at and now < locked.score_publish_at:
            raise ScoreError(
                f"{locked.label}考次的成绩发布时间是 {_fmt(locked.score_publish_at)}，尚未到时间；"
                "确需提前发布请加 --early。", code="not_due",
            )
        return _publish_locked(locked, actor=actor, actor_label=actor_label, now=now)


def publish_due_scores(*, now=None, actor_label="system:scores"):
    """Publish every sitting whose publication time has come and that has scores (Celery beat,
    and request time in the embedded default). Never waits on a publication another process
    is making: it skips that sitting. Returns the publications made."""
    now = now or timezone.now()
    due = list(
        ExamSitting.objects.filter(score_publish_at__lte=now, score_publication__isnull=True)
        .filter(Exists(Score.objects.filter(sitting=OuterRef("pk"))))
        .order_by("score_publish_at", "pk").values_list("pk", flat=True)
    )
    made = []
    for pk in due:
        with transaction.atomic():
            locked = ExamSitting.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if locked is None or ScorePublication.objects.filter(sitting=locked).exists():
                continue  # being published by another process, or already done
            made.append(_publish_locked(locked, actor=None, actor_label=actor_label, now=now))
    return made


def _publish_locked(sitting, *, actor, actor_label, now):
    if ScorePublication.objects.filter(sitting=sitting).exists():
        published_at = sitting.score_publication.published_at
        raise ScoreError(f"{sitting.label}考次的成绩已于 {_fmt(published_at)} 发布。", code="already_published")
    total = Score.objects.filter(sitting=sitting).count()
    if not total:
        raise ScoreError(f"{sitting.label}考次尚未导入任何成绩，无法发布。", code="no_scores")
    Score.objects.filter(sitting=sitting, published=False).update(published=True, updated_at=now)
    passes = (
        (score.candidate_id, score.course, score.score)
        for score in Score.objects.filter(sitting=sitting, score__gte=PASS_MARK)
        .select_related("course").order_by("candidate_id", "course__code").iterator(chunk_size=2000)
    )
    # Passed before (an exemption, an earlier pass): skipped, the first pass counts.
    passed, skipped = ledger.add_exam_passes(sitting=sitting, passes=passes, actor=actor, actor_label=actor_label,
                                             now=now)
    publication = ScorePublication.objects.create(
        sitting=sitting, published_at=now, published_by=actor, published_by_label=actor_label,
        score_count=total, passed_count=passed + skipped,
    )
    candidate_ids = list(
        Score.objects.filter(sitting=sitting).order_by("candidate_id").values_list("candidate_id", flat=True).distinct()
    )
    send_candidate_messages(
        candidate_ids=candidate_ids, title=f"{sitting.label}考次成绩已发布",
        body="请在查询中心“当次成绩查询”查看本次考试成绩。对成绩有异议的，可在"
             + (f"{sitting.recheck_deadline:%Y年%m月%d日}前" if sitting.recheck_deadline else "规定时间内")
             + "申请成绩复核。",
        link=SCORES_URL,
    )
    record_event(
        actor=actor, actor_label=actor_label, action=AuditAction.SCORES_PUBLISH, obj=sitting, to_state="published",
        data={"scores": total, "passed": passed, "already_in_ledger": skipped, "candidates": len(candidate_ids),
              "publication": publication.pk},
    )
    transaction.on_commit(forget_state)
    transaction.on_commit(lambda: score_selectors.warm_copies(sitting, publication_pk=publication.pk))
    return Publication(sitting=sitting, scores=total, passed=passed, already_in_ledger=skipped,
                       candidates=len(candidate_ids))


# ------------------------------------------------------------ the cached state of publications

STATE_KEY = "records:scores:state"
STATE_SECONDS = 30


@dataclass(frozen=True)
class Upcoming:
    code: str
    label: str
    publish_at: datetime.datetime
    has_scores: bool


def forget_state():
    cache.delete(STATE_KEY)


def _compute_state(now):
    """Sittings whose exams have begun and whose scores are not yet published, and the latest
    publication (which versions every candidate's cached scores, score_selectors)."""
    rows = (
        ExamSitting.objects.filter(score_publish_at__isnull=False, score_publication__isnull=True,
                                   exam_start__lte=local_today(now))
        .annotate(has_scores=Exists(Score.objects.filter(sitting=OuterRef("pk"))))
        .order_by("score_publish_at").values_list("code", "score_publish_at", "has_scores")
    )
    upcoming = [
        Upcoming(code=code, label=f"{code[:4]}年{int(code[4:])}月", publish_at=at, has_scores=has)
        for code, at, has in rows
    ]
    due = [u.publish_at for u in upcoming if u.has_scores]
    latest = ScorePublication.objects.order_by("-pk").values_list("pk", flat=True).first()
    return {"upcoming": upcoming, "next_due": min(due) if due else None, "latest_publication": latest}


def publication_state(now=None, *, refresh=False, cached=UNREAD):
    """What the scores page says about coming publications, from the cache (no query) for
    STATE_SECONDS, dropped whenever an import or a publication commits. ``cached``: what the
    caller already read under STATE_KEY (zikao.copies.read_copies)."""
    now = now or timezone.now()
    if refresh:
        state = None
    else:
        state = cache.get(STATE_KEY) if cached is UNREAD else cached
    if state is None:
        state = _compute_state(now)
        cache.set(STATE_KEY, state, STATE_SECONDS)
    return state


def page_copies(candidate):
    """The publication state and the candidate's scores copy as the cache holds them, in one round
    trip: what the scores page passes to publish_if_due and latest_published_scores_copy. Nothing is
    read where no scores copies are kept (the embedded default)."""
    if not settings.LATEST_SCORES_CACHE_SECONDS:
        return UNREAD, UNREAD
    return read_copies([STATE_KEY, score_selectors.scores_cache_key(candidate.pk)])


def publish_if_due(now=None, *, cached=UNREAD):
    """Request time: publish what is due (when this deployment publishes at request time) and
    return the state to show. Costs nothing while no publication is due."""
    now = now or timezone.now()
    state = publication_state(now, cached=cached)
    if state["next_due"] is not None and state["next_due"] <= now and getattr(
        settings, "SCORES_PUBLISH_AT_REQUEST", True
    ):
        publish_due_scores(now=now, actor_label="system:scores-at-request")
        state = publication_state(now, refresh=True)
    return state


# --------------------------------------------------------------------------- 成绩复核


def recheck_open(sitting, now=None):
    return sitting.recheck_deadline is not None and local_today(now) <= sitting.recheck_deadline


def submit_rechecks(*, candidate, scores, reason, now=None):
    """The candidate asks for a re-check of ``scores`` (their own, published, of one sitting whose
    re-check deadline has not passed) with one ``reason``; all or nothing."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not scores:
        raise ScoreError("请至少勾选一门需要复核的课程。", code="no_course")
    if not reason:
        raise ScoreError("请填写申请复核的理由。", code="reason_required")
    if len(reason) > 200:
        raise ScoreError("申请理由请控制在200字以内。", code="reason_too_long")
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=candidate.pk)
        locked = list(
            Score.objects.select_for_update().filter(pk__in=[s.pk for s in scores], candidate=candidate)
            .select_related("sitting", "course").order_by("course__code")
        )
        if len(locked) != len({s.pk for s in scores}) or not all(s.published for s in locked):
            raise ScoreError("只能对本人已发布的成绩申请复核。", code="not_yours")
        for score in locked:
            if not recheck_open(score.sitting, now):
                deadline = score.sitting.recheck_deadline
                raise ScoreError(
                    f"{score.sitting.label}考次的成绩复核已于{deadline:%Y年%m月%d日}截止。" if deadline
                    else f"{score.sitting.label}考次未开放成绩复核。", code="recheck_closed",
                )
        taken = set(ScoreRecheck.objects.filter(score__in=locked).values_list("score_id", flat=True))
        for score in locked:
            if score.pk in taken:
                raise ScoreError(f"课程 {score.course.code} {score.course.name} 已申请过复核，每门课程只能申请一次。",
                                 code="already_requested")
        rechecks = []
        try:
            with transaction.atomic():
                for score in locked:
                    recheck = ScoreRecheck.objects.create(
                        candidate=candidate, score=score, reason=reason, original_score=score.score,
                        original_mark=score.mark, submitted_at=now,
                    )
                    record_event(
                        actor=candidate.user, action=AuditAction.SCORE_RECHECK_SUBMIT, obj=recheck,
                        to_state=Status.PENDING, reason=reason,
                        data={"sitting": score.sitting.code, "course": score.course.code},
                    )
                    rechecks.append(recheck)
        except IntegrityError:
            raise ScoreError("所选课程已申请过复核，每门课程只能申请一次。", code="already_requested") from None
    return rechecks


def may_decide(officer, recheck):
    """The county office of the candidate's county decides re-checks (superusers may too)."""
    if not officer.has_perm("records.decide_scorerecheck"):
        return False
    return by_scope(
        officer, everything=officer.is_superuser, nothing=False, city=lambda scope: False,
        county=lambda scope: scope.county_id == recheck.candidate.county_id,
    )


def can_decide(officer, recheck):
    return recheck.status == Status.PENDING and may_decide(officer, recheck)


def _lock_for_decision(pk, *, officer):
    recheck = ScoreRecheck.objects.select_related("candidate").get(pk=pk)
    Candidate.objects.select_for_update().get(pk=recheck.candidate_id)
    score = Score.objects.select_for_update().select_related("sitting", "course").get(pk=recheck.score_id)
    recheck = ScoreRecheck.objects.select_for_update().select_related("candidate").get(pk=pk)
    if not may_decide(officer, recheck):
        raise ScoreError("该复核申请不属于您所在的县区招考办办理。", code="out_of_scope")
    if recheck.status != Status.PENDING:
        raise ScoreError("该复核申请已经办理过了。", code="already_decided")
    return recheck, score


def _clean_remark(remark):
    remark = (remark or "").strip()
    if len(remark) > 200:
        raise ScoreError("复核说明请控制在200字以内。", code="remark_too_long")
    return remark


def _decide(recheck, score, *, officer, status, remark, action, now, corrected=None):
    recheck.status, recheck.remark, recheck.decided_at, recheck.decided_by = status, remark, now, officer
    recheck.corrected_score = corrected
    recheck.save(update_fields=["status", "remark", "decided_at", "decided_by", "corrected_score"])
    record_event(
        actor=officer, action=action, obj=recheck, from_state=Status.PENDING, to_state=status, reason=remark,
        data={"course": score.course.code, "sitting": score.sitting.code, "before": recheck.original_text,
              "after": score.result_text},
    )
    body = recheck.outcome_text + (f"。复核说明：{remark}" if remark else "。")
    send_candidate_message(
        candidate=recheck.candidate, title=f"成绩复核结果：{score.course.code} {score.course.name}", body=body,
        link=SCORES_URL,
    )
    return recheck


def keep_score(*, officer, recheck, remark="", now=None):
    """维持原成绩."""
    now = now or timezone.now()
    remark = _clean_remark(remark)
    with transaction.atomic():
        recheck, score = _lock_for_decision(recheck.pk, officer=officer)
        return _decide(recheck, score, officer=officer, status=Status.UNCHANGED, remark=remark,
                       action=AuditAction.SCORE_RECHECK_UNCHANGED, now=now)


def correct_score(*, officer, recheck, corrected_score, remark="", now=None):
    """成绩更正: the score becomes ``corrected_score``; a new pass enters the ledger, a pass keeps its
    ledger entry with the corrected score, and a pass that would become a fail is refused."""
    now = now or timezone.now()
    remark = _clean_remark(remark)
    try:
        value, mark = parse_score(str(corrected_score))
    except RowRefused as error:
        raise ScoreError(str(error), code="bad_score") from None
    if mark:
        raise ScoreError("更正后的成绩应为0到100之间的分数。", code="bad_score")
    with transaction.atomic():
        recheck, score = _lock_for_decision(recheck.pk, officer=officer)
        if score.score == value and not score.mark:
            raise ScoreError("更正后的成绩与原成绩相同，请选择“维持原成绩”。", code="same_score")
        was_pass = score.passed
        if was_pass and value < PASS_MARK:
            raise ScoreError(
                "原成绩已合格并已登记为合格课程，复核后不合格须报省招考中心处理，不能在此更正。", code="would_revoke_pass"
            )
        score.score, score.mark = value, ""
        score.save(update_fields=["score", "mark", "updated_at"])
        if was_pass:
            try:
                ledger.correct_exam_score(candidate=recheck.candidate, course=score.course, sitting=score.sitting,
                                          score=value, actor=officer)
            except ledger.RecordError as error:
                if error.code != "no_exam_pass":  # the course was in the ledger before this sitting
                    raise
        elif score.passed:
            try:
                ledger.add_passed_course(candidate=recheck.candidate, course=score.course, source=ledger.Source.EXAM,
                                         score=value, sitting=score.sitting, actor=officer, now=now)
            except ledger.RecordError as error:
                if error.code != "already_passed":
                    raise
        return _decide(recheck, score, officer=officer, status=Status.CORRECTED, remark=remark,
                       action=AuditAction.SCORE_RECHECK_CORRECT, now=now, corrected=value)
