"""Audit trail: one call per state change, inside the service's transaction.

Every action an audit event can record is an ``AuditAction`` member with its Chinese label, so the
admin, the officers' "my work" pages and exports all read one vocabulary. A new app adds its
actions here (grouped by app) rather than passing free strings.
"""

import getpass

from django.db import models

from zikao.models import AuditEvent


class AuditAction(models.TextChoices):
    # Accounts (candidates/)
    REGISTER_CANDIDATE = "register_candidate", "新考生注册"
    ACTIVATE_ENROLLED_CANDIDATE = "activate_enrolled_candidate", "在籍考生激活"
    UPDATE_CANDIDATE_PROFILE = "update_candidate_profile", "修改个人信息"
    CHANGE_PASSWORD = "change_password", "修改密码"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "申请重置密码"
    TICKET_NUMBER_LOOKUP = "ticket_number_lookup", "找回准考证号"
    IMPORT_ENROLLED_RECORD = "import_enrolled_record", "导入在籍考生"
    CREATE_OFFICER = "create_officer", "创建工作人员账号"
    CANDIDATE_COUNTY_CHANGE = "candidate_county_change", "报名区县变更"
    # Identity verification (identity/)
    IDENTITY_SUBMIT = "identity_submit", "考生提交照片"
    IDENTITY_CHECKS_STARTED = "identity_checks_started", "开始自动检查"
    IDENTITY_APPROVED = "identity_approved", "通过"
    IDENTITY_REJECTED = "identity_rejected", "不通过"
    IDENTITY_NEEDS_REVIEW = "identity_needs_review", "转人工审核"
    TICKET_NUMBER_ISSUED = "ticket_number_issued", "发放准考证号"
    # Business windows and content (zikao/)
    OPEN_WINDOW = "open_window", "开放业务窗口"
    CLOSE_WINDOW = "close_window", "关闭业务窗口"
    PUBLISH_NOTICE = "publish_notice", "发布公告"
    UPDATE_NOTICE = "update_notice", "修改公告"
    DELETE_NOTICE = "delete_notice", "删除公告"
    UPDATE_REGISTRATION_POINT = "update_registration_point", "修改报名点信息"
    # In-province transfer (transfers/)
    TRANSFER_SUBMIT = "transfer_submit", "考生提交申请"
    TRANSFER_WITHDRAW = "transfer_withdraw", "考生撤销申请"
    TRANSFER_RELEASE = "transfer_release", "同意转出"
    TRANSFER_REFUSE_RELEASE = "transfer_refuse_release", "不同意转出"
    TRANSFER_ACCEPT = "transfer_accept", "同意转入"
    TRANSFER_REFUSE_ACCEPTANCE = "transfer_refuse_acceptance", "不同意转入"
    TRANSFER_EXPORT = "transfer_export", "导出转考申请"
    # Exam catalogue (exams/): operators' imports and province officers' corrections in admin
    CATALOGUE_CREATE = "catalogue_create", "新增考试目录数据"
    CATALOGUE_UPDATE = "catalogue_update", "修改考试目录数据"
    CATALOGUE_DELETE = "catalogue_delete", "删除考试目录数据"
    # Exam record (records/)
    PASSED_COURSE_ADD = "passed_course_add", "登记合格课程"
    TRANSCRIPT_VERIFY = "transcript_verify", "核验合格成绩单"
    # 理论课报名 (exams/registration.py)
    THEORY_REGISTRATION_SAVE = "theory_registration_save", "保存理论课报名"
    THEORY_REGISTRATION_PAID = "theory_registration_paid", "理论课报名已支付"
    THEORY_REGISTRATION_FAIL = "theory_registration_fail", "理论课报名失败（逾期未支付）"
    # Orders and payments (payments/)
    ORDER_CREATE = "order_create", "创建订单"
    ORDER_PAID = "order_paid", "订单已支付"
    ORDER_EXPIRE = "order_expire", "订单逾期关闭"
    ORDER_CANCEL = "order_cancel", "取消订单"
    PAYMENT_START = "payment_start", "发起支付"
    PAYMENT_CONFIRM = "payment_confirm", "确认到账"
    PAYMENT_CANCEL = "payment_cancel", "取消支付"
    PAYMENT_REFUND_DUE = "payment_refund_due", "到账待退款"
    PAYMENT_REFUNDED = "payment_refunded", "已退款"
    PAYMENT_NOTIFY_REFUSED = "payment_notify_refused", "拒绝支付通知"
    # 实践性环节报名 (exams/practical.py): candidates submit, 主考院校 staff decide
    PRACTICAL_SUBMIT = "practical_submit", "提交实践性环节报名"
    PRACTICAL_PAID = "practical_paid", "实践性环节报名已缴费"
    PRACTICAL_ACCEPT = "practical_accept", "院校确认实践性环节报名"
    PRACTICAL_ONSITE = "practical_onsite", "实践性环节报名需现场确认"
    PRACTICAL_VOID = "practical_void", "实践性环节报名无效"
    # Officers' workbench (zikao/workbench.py)
    CASE_CLAIMED = "case_claimed", "认领（由我处理）"
    CASE_CLAIM_RELEASED = "case_claim_released", "放弃认领"
    QUEUE_EXPORT = "queue_export", "导出待办列表"
    IDENTITY_IN_PERSON_WITHOUT_PHOTOS = "identity_in_person_without_photos", "现场核验（未上传照片）"
    # 毕业申请 (records/graduation.py): candidates apply and pay, county pre-checks, province decides
    GRADUATION_SUBMIT = "graduation_submit", "提交毕业申请"
    GRADUATION_PAID = "graduation_paid", "毕业申请已缴费"
    GRADUATION_VOID = "graduation_void", "毕业申请失效（逾期未缴费）"
    GRADUATION_PRECHECK = "graduation_precheck", "毕业申请县区初审通过"
    GRADUATION_REFUSE_PRECHECK = "graduation_refuse_precheck", "毕业申请县区初审不通过"
    GRADUATION_APPROVE = "graduation_approve", "批准毕业"
    GRADUATION_REJECT = "graduation_reject", "不批准毕业"
    GRADUATION_VERIFY = "graduation_verify", "核验毕业生登记表"
    # 考场座位与准考证 (exams/seats.py, exams/seat_admin.py)
    SEATS_ASSIGN = "seats_assign", "编排考场座位"
    TICKET_VERIFY = "ticket_verify", "准考证核验"
    # 省际转出 (transfers/out.py): candidates apply and confirm, city and province offices decide
    TRANSFER_OUT_SUBMIT = "transfer_out_submit", "提交省际转出申请"
    TRANSFER_OUT_CORRECT = "transfer_out_correct", "修改省际转出申请"
    TRANSFER_OUT_CONFIRM = "transfer_out_confirm", "省际转出网上确认"
    TRANSFER_OUT_CITY_PASS = "transfer_out_city_pass", "市招考办审核通过（省际转出）"
    TRANSFER_OUT_SEND = "transfer_out_send", "省招考中心初审通过，报送全国平台"
    TRANSFER_OUT_CLOSE = "transfer_out_close", "确认已转出（考籍关闭）"
    TRANSFER_OUT_RETURN = "transfer_out_return", "退回省际转出申请"
    TRANSFER_OUT_LAPSE = "transfer_out_lapse", "省际转出申请逾期失效"
    # 免考申请 (records/exemptions.py): candidates submit / withdraw, county → city → province decide
    EXEMPTION_SUBMIT = "exemption_submit", "提交免考申请"
    EXEMPTION_WITHDRAW = "exemption_withdraw", "撤销免考申请"
    EXEMPTION_DECIDE_COUNTY = "exemption_decide_county", "县区审核免考申请"
    EXEMPTION_DECIDE_CITY = "exemption_decide_city", "市审核免考申请"
    EXEMPTION_DECIDE_PROVINCE = "exemption_decide_province", "省审核免考申请（终审）"
    EXEMPTION_PUBLISH = "exemption_publish", "发布免考审核结果"
    # Scores of a sitting (records/scores.py)
    SCORES_IMPORT = "scores_import", "导入成绩"
    SCORE_IMPORT_CHANGE = "score_import_change", "导入更正未发布成绩"
    SCORES_PUBLISH = "scores_publish", "发布成绩"
    SCORE_RECHECK_SUBMIT = "score_recheck_submit", "申请成绩复核"
    SCORE_RECHECK_UNCHANGED = "score_recheck_unchanged", "成绩复核：维持原成绩"
    SCORE_RECHECK_CORRECT = "score_recheck_correct", "成绩复核：更正成绩"
    PASSED_COURSE_CORRECT = "passed_course_correct", "更正合格成绩的分数"


def action_label(action):
    """The Chinese label of a stored action string (the string itself if it is no longer declared)."""
    try:
        return AuditAction(action).label
    except ValueError:
        return action


def operator_label():
    """Who ran a management command: the operating-system account, since commands have no signed-in user."""
    return f"operator:{getpass.getuser()}"


def new_event(
    *, actor, action, obj=None, object_type="", object_id="", from_state="", to_state="", reason="",
    data=None, actor_label="",
):
    """An unsaved AuditEvent for ``obj`` (a model instance), or for ``object_type``/``object_id`` given
    explicitly when the subject is not a row (a look-up by ID number, an export of a window's data).

    ``actor`` is the user who acted or None for the system and operators; then ``actor_label`` says
    who it was (``operator_label()`` for commands, "system:identity-checks" for the check pipeline).
    """
    action = AuditAction(action)  # an undeclared action is a programming error, not an audit row
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, obj.pk
    if not object_type or object_id in (None, ""):
        raise ValueError("record_event needs obj, or object_type and object_id")
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    return AuditEvent(
        actor=actor,
        actor_label=actor_label or "system",
        action=action.value,
        object_type=object_type,
        object_id=str(object_id),
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        data=data or {},
    )


def record_event(**fields):
    """Write the AuditEvent new_event(**fields) describes; returns it."""
    event = new_event(**fields)
    event.save(force_insert=True)
    return event


def record_events(events):
    """Write many new_event()s in one INSERT per thousand (a publication's ledger entries)."""
    return AuditEvent.objects.bulk_create(events, batch_size=1000)


def events_of(obj):
    """The audit events of one object, oldest first, with their actors."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
