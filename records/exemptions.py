"""免考申请: every state change of an exemption application.

Candidate: ``save_draft`` (answers + photos, not yet an application) → ``submit_exemption``
(check answers → 确认提交) → optionally ``withdraw_exemption`` while no office has decided.
Officers: ``decide_step`` once per office, county → city → province, one verdict per course
(同意 / 不同意 with a reason). The province's decision is final and writes the approved courses
into the ledger (``records.services.add_passed_course``, source exemption) in the same
transaction. Operators / the province: ``publish_results(window)``; only then does the
candidate see the results.

Lock order, everywhere: the candidate row, then the application row.
"""

import datetime
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from candidates.messaging import send_candidate_message
from candidates.models import Candidate, OfficerScope
from candidates.scopes import officer_scope
from exams.exemption_models import course_never_exempted
from identity.storage import private_storage
from records import exemption_selectors as selectors
from records.exemption_models import ExemptionApplication, ExemptionItem, ExemptionPhoto
from records.models import PassedCourse
from records.services import add_passed_course
from zikao.audit import AuditAction, record_event
from zikao.errors import ApplicationError
from zikao.models import BusinessWindow
from zikao.selectors import current_window, window_refusal
from zikao.timefmt import local_text

Status = ExemptionApplication.Status
Result = ExemptionItem.Result
WINDOW_KIND = BusinessWindow.Kind.EXEMPTION
MAX_PHOTOS = 3
MAX_COURSES = 10
RESULTS_URL = "exemption_results"


class ExemptionError(ApplicationError):
    """A broken rule; ``application`` is the candidate's existing one for "already applied"."""


# --------------------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class Eligibility:
    window: BusinessWindow | None
    existing: ExemptionApplication | None
    refusal: ExemptionError | None

    @property
    def allowed(self):
        return self.refusal is None


def active_application(*, candidate, window):
    if window is None:
        return None
    return ExemptionApplication.objects.filter(
        candidate=candidate, window=window, status__in=ExemptionApplication.ACTIVE_STATUSES
    ).first()


def _already_applied(existing):
    return ExemptionError(
        f"您在本次免考申请时间内已提交过免考申请（{existing.number}），不能重复申请；如需更改，请在审核开始前撤销后重新申请。",
        code="already_applied", application=existing,
    )


def check_eligibility(*, candidate, now=None):
    """Whether ``candidate`` may apply now, and if not, why (before they fill anything)."""
    now = now or timezone.now()
    window = current_window(WINDOW_KIND, now=now)
    if candidate.record_closed:  # transferred out of Shanxi: reads only
        return Eligibility(window, None, ExemptionError(Candidate.RECORD_CLOSED_MESSAGE, code="record_closed"))
    if not candidate.is_approved:
        return Eligibility(window, None, ExemptionError(
            "您的身份验证尚未通过，通过后才能申请免考。", code="not_approved"))
    if window is None:
        return Eligibility(None, None, window_refusal(WINDOW_KIND, now=now, error=ExemptionError))
    if not selectors.has_exam_pass(candidate):
        return Eligibility(window, None, ExemptionError(
            "申请免考须至少有一门课程在山西省通过考试取得合格成绩。您目前还没有考试合格的课程，"
            "请先参加课程考试，取得合格成绩后再申请。",
            code="no_exam_pass",
        ))
    if candidate.major_id is None:
        return Eligibility(window, None, ExemptionError(
            "您还没有报考专业，免考课程须是本专业计划中的课程。请先在“个人信息”中选择报考专业。", code="no_major",
        ))
    existing = active_application(candidate=candidate, window=window)
    if existing is not None:
        return Eligibility(window, existing, _already_applied(existing))
    return Eligibility(window, None, None)


# --------------------------------------------------------------------------- the rules


def same_name(a, b):
    """Course names compare without spaces, full- and half-width alike: 英语（二） = 英语(二)."""
    def norm(text):
        return "".join(unicodedata.normalize("NFKC", text or "").split())
    return norm(a) == norm(b)


def offered_courses(*, candidate, rule, plan=None, passed=None):
    """The plan courses ``rule`` can exempt ``candidate`` from now: in the major's plan, never a
    practical or 毕业考核, never one already passed; the rule's list (or, for a transcript basis
    without a list, every written course of the plan)."""
    plan = selectors.plan_of(candidate) if plan is None else plan
    passed = selectors.passed_course_ids(candidate) if passed is None else passed
    listed = {rc.course_id for rc in rule.rule_courses.all()}
    offered = []
    for course_id, plan_course in plan.items():
        if course_id in passed or course_never_exempted(plan_course.course):
            continue
        if plan_course.category == plan_course.Category.PRACTICAL:
            continue
        if listed and course_id not in listed:
            continue
        if not listed and not rule.same_course_required:
            continue
        offered.append(plan_course)
    return sorted(offered, key=lambda pc: (pc.sort, pc.course.code))


@dataclass
class CourseClaim:
    """One ticked course as the candidate entered it."""

    course_id: int
    prior_course_name: str = ""
    prior_credits: int | None = None


@dataclass
class Answers:
    rule: object
    certificate_number: str
    issuer: str
    issued_on: datetime.date
    courses: list = field(default_factory=list)  # [CourseClaim]


def _check_course(*, rule, claim, plan, passed):
    plan_course = plan.get(claim.course_id)
    if plan_course is None:
        raise ExemptionError("所选课程不在您报考专业的计划中。", code="course_not_in_plan")
    course = plan_course.course
    why = course_never_exempted(course)
    if why or plan_course.category == plan_course.Category.PRACTICAL:
        raise ExemptionError(why or f"{course.code} {course.name}是实践性环节，不能免考。", code="practical_never")
    if claim.course_id in passed:
        raise ExemptionError(f"{course.code} {course.name}已合格，不需要再申请免考。", code="already_passed")
    listed = {rc.course_id for rc in rule.rule_courses.all()}
    if (listed and claim.course_id not in listed) or (not listed and not rule.same_course_required):
        raise ExemptionError(f"“{rule.name}”不能免考 {course.code} {course.name}。", code="course_not_covered")
    if rule.same_course_required:
        if not claim.prior_course_name.strip():
            raise ExemptionError(f"请填写与 {course.code} {course.name}对应的原课程名称。", code="prior_name_missing")
        if not same_name(claim.prior_course_name, course.name):
            raise ExemptionError(
                f"原课程“{claim.prior_course_name.strip()}”与 {course.code} {course.name}名称不同，不能免考。"
                "以学历课程成绩申请免考，课程名称须相同。",
                code="name_differs",
            )
        if claim.prior_credits is None or claim.prior_credits < plan_course.credits:
            raise ExemptionError(
                f"原课程“{claim.prior_course_name.strip()}”的学分（{claim.prior_credits or 0}）低于本专业计划中 "
                f"{course.code} {course.name}的学分（{plan_course.credits}），不能免考。",
                code="credits_too_few",
            )
    return plan_course


def check_answers(*, candidate, answers, now=None):
    """Every rule about what the candidate entered; returns [(PlanCourse, CourseClaim)]."""
    now = now or timezone.now()
    rule = answers.rule
    if rule is None or not rule.active:
        raise ExemptionError("请选择免考依据。", code="no_basis")
    number, issuer = (answers.certificate_number or "").strip(), (answers.issuer or "").strip()
    if not number:
        raise ExemptionError("请填写证书编号。", code="certificate_number_missing")
    if not issuer:
        raise ExemptionError("请填写发证单位。", code="issuer_missing")
    if answers.issued_on is None:
        raise ExemptionError("请填写发证日期。", code="issued_on_missing")
    if answers.issued_on > timezone.localdate(now):
        raise ExemptionError("发证日期不能晚于今天，请按证书原件填写。", code="issued_in_future")
    if not answers.courses:
        raise ExemptionError("请至少勾选一门申请免考的课程。", code="no_courses")
    if len(answers.courses) > MAX_COURSES:
        raise ExemptionError(f"一次最多申请免考 {MAX_COURSES} 门课程。", code="too_many_courses")
    if len({claim.course_id for claim in answers.courses}) != len(answers.courses):
        raise ExemptionError("同一门课程只能勾选一次。", code="duplicate_course")
    plan, passed = selectors.plan_of(candidate), selectors.passed_course_ids(candidate)
    return [
        (_check_course(rule=rule, claim=claim, plan=plan, passed=passed), claim) for claim in answers.courses
    ]


# --------------------------------------------------------------------------- candidate actions


def save_draft(*, candidate, answers, photos, now=None):
    """Keep the candidate's answers and the normalised ``photos`` (identity.intake.NormalisedPhoto)
    as a draft to check; returns it. Earlier drafts are discarded. Nothing is stored on refusal."""
    now = now or timezone.now()
    if not photos:
        raise ExemptionError("请上传证书原件的照片（至少一张）。", code="photos_missing")
    if len(photos) > MAX_PHOTOS:
        raise ExemptionError(f"证书照片最多 {MAX_PHOTOS} 张。", code="too_many_photos")
    storage = private_storage()
    stored, discarded = [], []
    try:
        with transaction.atomic():
            candidate = Candidate.objects.select_for_update(of=("self",)).select_related("county").get(pk=candidate.pk)
            eligibility = check_eligibility(candidate=candidate, now=now)
            if not eligibility.allowed:
                raise eligibility.refusal
            checked = check_answers(candidate=candidate, answers=answers, now=now)
            old = ExemptionApplication.objects.filter(candidate=candidate, status=Status.DRAFT)
            discarded = list(ExemptionPhoto.objects.filter(application__in=old).values_list("file", flat=True))
            old.delete()
            draft = ExemptionApplication.objects.create(
                candidate=candidate, window=eligibility.window, county=candidate.county, rule=answers.rule,
                certificate_number=answers.certificate_number.strip(), issuer=answers.issuer.strip(),
                issued_on=answers.issued_on, status=Status.DRAFT, created_at=now,
            )
            ExemptionItem.objects.bulk_create([
                ExemptionItem(
                    application=draft, course=plan_course.course, plan_credits=plan_course.credits,
                    prior_course_name=claim.prior_course_name.strip() if answers.rule.same_course_required else "",
                    prior_credits=claim.prior_credits if answers.rule.same_course_required else None,
                )
                for plan_course, claim in checked
            ])
            for photo in photos:
                name = storage.save(f"exemptions/{now:%Y/%m}/{uuid.uuid4().hex}.jpg", ContentFile(photo.content))
                stored.append(name)
                ExemptionPhoto.objects.create(
                    application=draft, file=name, sha256=photo.sha256, size=photo.size, width=photo.width,
                    height=photo.height, created_at=now,
                )
            transaction.on_commit(lambda: [storage.delete(name) for name in discarded])
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    return draft


def submit_exemption(*, candidate, draft, now=None):
    """确认提交: the checked draft becomes the candidate's application for the window; returns
    ``(application, created)``. Posting the same confirmation twice returns the same application."""
    now = now or timezone.now()
    try:
        return _submit_locked(candidate=candidate, draft_pk=draft.pk, now=now)
    except IntegrityError:
        # Only if something bypassed the candidate lock: the constraint decided.
        existing = active_application(candidate=candidate, window=draft.window)
        if existing is None:
            raise
        if existing.pk == draft.pk:
            return existing, False
        raise _already_applied(existing) from None


@transaction.atomic
def _submit_locked(*, candidate, draft_pk, now):
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("user").get(pk=candidate.pk)
    draft = ExemptionApplication.objects.select_for_update(of=("self",)).select_related("window", "rule").filter(
        pk=draft_pk, candidate=candidate).first()
    if draft is None:
        raise ExemptionError("该申请已失效，请重新填写。", code="draft_gone")
    if draft.status in ExemptionApplication.ACTIVE_STATUSES:
        return draft, False
    if draft.status != Status.DRAFT:
        raise ExemptionError("该申请已失效，请重新填写。", code="draft_gone")
    eligibility = check_eligibility(candidate=candidate, now=now)
    if eligibility.window is None or eligibility.window.pk != draft.window_id:
        if not draft.window.is_open(now):
            raise ExemptionError(
                f"本次免考申请已于{local_text(draft.window.closes_at)}截止，您的申请未能提交。", code="window_closed",
            )
    if not eligibility.allowed:
        raise eligibility.refusal
    # The ledger may have changed since the draft (a score published): check the courses again.
    items = list(draft.items.select_related("course"))
    check_answers(candidate=candidate, now=now, answers=Answers(
        rule=draft.rule, certificate_number=draft.certificate_number, issuer=draft.issuer,
        issued_on=draft.issued_on,
        courses=[CourseClaim(item.course_id, item.prior_course_name, item.prior_credits) for item in items],
    ))
    draft.status = Status.PENDING_COUNTY
    draft.submitted_at = now
    draft.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event(
        actor=candidate.user, action=AuditAction.EXEMPTION_SUBMIT, obj=draft, from_state=Status.DRAFT,
        to_state=Status.PENDING_COUNTY,
        data={"rule": draft.rule.code, "courses": [item.course.code for item in items]},
    )
    send_candidate_message(
        candidate=candidate, title="免考申请已提交",
        body=f"您的免考申请（{draft.number}，{draft.rule.name}，{len(items)} 门课程）已提交，"
             "将由县区招考办、市招考办、省招考中心逐级审核，审核结果发布后可在“当次免考审核结果查询”中查看。",
        link=reverse(RESULTS_URL),
    )
    return draft, True


def can_withdraw(application, *, now=None):
    now = now or timezone.now()
    return application.status == Status.PENDING_COUNTY and application.window.is_open(now)


def withdraw_exemption(*, candidate, application, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        Candidate.objects.select_for_update(of=("self",)).get(pk=candidate.pk)
        application = ExemptionApplication.objects.select_for_update(of=("self",)).select_related("window").get(
            pk=application.pk)
        if application.candidate_id != candidate.pk:
            raise ExemptionError("只能撤销本人的申请。", code="not_owner")
        if application.status != Status.PENDING_COUNTY:
            raise ExemptionError("审核已经开始（或申请已结束），不能再撤销。只有尚未审核的申请可以撤销。",
                                 code="cannot_withdraw")
        if not application.window.is_open(now):
            raise ExemptionError("本次免考申请时间已结束，申请不能再撤销。", code="window_closed")
        application.status = Status.WITHDRAWN
        application.withdrawn_at = now
        application.save(update_fields=["status", "withdrawn_at", "updated_at"])
        record_event(actor=candidate.user, action=AuditAction.EXEMPTION_WITHDRAW, obj=application,
                     from_state=Status.PENDING_COUNTY, to_state=Status.WITHDRAWN)
        send_candidate_message(
            candidate=candidate, title="免考申请已撤销",
            body=f"您已撤销免考申请（{application.number}）。在免考申请时间内您可以重新申请。",
            link=reverse(RESULTS_URL),
        )
    return application


# --------------------------------------------------------------------------- officer decisions

NEXT_STATUS = {
    Status.PENDING_COUNTY: Status.PENDING_CITY,
    Status.PENDING_CITY: Status.PENDING_PROVINCE,
    Status.PENDING_PROVINCE: Status.DECIDED,
}
ACTIONS = {
    "county": AuditAction.EXEMPTION_DECIDE_COUNTY,
    "city": AuditAction.EXEMPTION_DECIDE_CITY,
    "province": AuditAction.EXEMPTION_DECIDE_PROVINCE,
}
STEP_LEVELS = {
    "county": OfficerScope.Level.COUNTY, "city": OfficerScope.Level.CITY, "province": OfficerScope.Level.PROVINCE,
}


def may_decide(user, application):
    """The office of the step the application waits for: its county, that county's city, the
    province (superusers as operators)."""
    step = application.step
    if step is None or not user.has_perm("records.decide_exemption"):
        return False
    if user.is_superuser:
        return True
    scope = officer_scope(user)
    if scope is None or scope.level != STEP_LEVELS[step]:
        return False
    if step == "county":
        return scope.county_id == application.county_id
    if step == "city":
        return scope.city_id == application.county.city_id
    return True


def items_to_decide(application):
    """The courses this step decides: those no earlier office refused."""
    return [item for item in application.items.all() if item.result != Result.REFUSED]


def _clean_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ExemptionError("不同意的课程必须填写原因，考生会在审核结果中看到该原因。", code="reason_required")
    if len(reason) > 200:
        raise ExemptionError("原因请控制在200字以内。", code="reason_too_long")
    return reason


def decide_step(*, officer, application, verdicts, expected_status=None, now=None):
    """One office's decision on every course still open: ``verdicts`` is {item_pk: (approve, reason)}.

    County and city pass the courses they approve on; a course refused stays refused with the
    office's reason; when none is left to decide the application is decided. The province's
    verdicts are final and its approved courses enter the ledger (source exemption) here.
    """
    now = now or timezone.now()
    with transaction.atomic():
        candidate_id = ExemptionApplication.objects.values_list("candidate_id", flat=True).get(pk=application.pk)
        candidate = Candidate.objects.select_for_update(of=("self",)).get(pk=candidate_id)
        application = (
            ExemptionApplication.objects.select_for_update(of=("self",))
            .select_related("county__city", "rule", "window").get(pk=application.pk)
        )
        expected = expected_status or application.status
        if application.status != expected or application.step is None:
            raise ExemptionError(
                f"该申请已被处理，当前状态为“{application.get_status_display()}”，无需再次审核。请刷新页面查看。",
                code="already_decided",
            )
        if not may_decide(officer, application):
            raise ExemptionError("您不负责该申请的这一步审核。", code="out_of_scope")
        step = application.step
        items = list(ExemptionItem.objects.select_for_update().filter(application=application).select_related("course"))
        open_items = [item for item in items if item.result != Result.REFUSED]
        missing = [item for item in open_items if item.pk not in verdicts]
        if missing or set(verdicts) - {item.pk for item in open_items}:
            raise ExemptionError(
                "请对每门课程给出“同意”或“不同意”的审核意见：" + "、".join(f"{i.course.code} {i.course.name}" for i in missing)
                if missing else "审核意见与申请的课程不符，请刷新页面后重新审核。",
                code="verdict_missing",
            )
        decided = {}
        for item in open_items:
            approve, reason = verdicts[item.pk]
            item.result = Result.APPROVED if approve else Result.REFUSED
            item.reason = "" if approve else _clean_reason(reason)
            item.decided_step = step
            decided[item.course.code] = "approved" if approve else f"refused: {item.reason}"
        ExemptionItem.objects.bulk_update(open_items, ["result", "reason", "decided_step"])
        from_state = application.status
        still_open = any(item.result == Result.APPROVED for item in open_items)
        application.status = NEXT_STATUS[from_state] if still_open else Status.DECIDED
        setattr(application, f"{step}_decided_at", now)
        setattr(application, f"{step}_decided_by", officer)
        application.save(update_fields=["status", f"{step}_decided_at", f"{step}_decided_by", "updated_at"])
        if step == "province":
            for item in open_items:
                if item.result == Result.APPROVED:
                    add_passed_course(
                        candidate=candidate, course=item.course, source=PassedCourse.Source.EXEMPTION, actor=officer,
                        note=f"免考：{application.rule.name}（{application.number}）"[:100], now=now,
                    )
        record_event(
            actor=officer, action=ACTIONS[step], obj=application, from_state=from_state, to_state=application.status,
            reason="；".join(f"{i.course.code}：{i.reason}" for i in open_items if i.result == Result.REFUSED),
            data={"courses": decided},
        )
    return application


def approve_all(*, officer, application, expected_status=None, now=None):
    """全部同意: every course still open approved at this step."""
    verdicts = {item.pk: (True, "") for item in items_to_decide(application)}
    return decide_step(officer=officer, application=application, verdicts=verdicts,
                       expected_status=expected_status, now=now)


# --------------------------------------------------------------------------- publication


def publish_results(*, window, actor=None, actor_label="", now=None):
    """发布当次免考审核结果: every decided, unpublished application of ``window`` becomes visible to
    its candidate, who gets a message. Safe to run again (already published ones are skipped).
    Returns ``(published, still_pending)``."""
    now = now or timezone.now()
    if window.kind != WINDOW_KIND:
        raise ExemptionError("只能发布免考申请时段的审核结果。", code="wrong_window")
    published = 0
    with transaction.atomic():
        ids = list(selectors.decided_unpublished(window).values_list("pk", flat=True))
        for pk in ids:
            application = ExemptionApplication.objects.select_for_update(of=("self",)).select_related(
                "candidate").get(pk=pk)
            if application.published_at is not None or application.status != Status.DECIDED:
                continue
            application.published_at = now
            application.save(update_fields=["published_at", "updated_at"])
            items = list(application.items.select_related("course"))
            approved = [i for i in items if i.result == Result.APPROVED]
            record_event(actor=actor, actor_label=actor_label, action=AuditAction.EXEMPTION_PUBLISH, obj=application,
                         to_state="published", data={"approved": [i.course.code for i in approved]})
            send_candidate_message(
                candidate=application.candidate, title="免考审核结果已发布",
                body=f"您的免考申请（{application.number}）审核结果已发布：同意免考 {len(approved)} 门，"
                     f"不同意 {len(items) - len(approved)} 门。请在“当次免考审核结果查询”中查看各课程的结果和原因。",
                link=reverse(RESULTS_URL),
            )
            published += 1
    return published, selectors.pending_count(window)
