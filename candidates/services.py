"""State changes of candidate accounts: one function each, in a transaction, audited."""

import secrets

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from candidates import selectors
from candidates.models import Candidate, EnrolledRecord, OfficerScope, User
from candidates.officers import grant_officer_permissions
from candidates.registry import ImportReport, RowError
from candidates.throttle import id_number_hash
from zikao.audit import AuditAction, record_event
from zikao.errors import DomainError
from zikao.idnumbers import mask_id_number, normalize_id_number, parse_id_number
from zikao.tabular import RowRefused


class AccountError(DomainError):
    """A rule of candidate or officer accounts was broken; the message is fit to show who acted."""


# Shared with the registration form, which checks the same rules first for a friendlier page.
ID_REGISTERED_MESSAGE = "该身份证号已注册。请直接登录；如忘记密码，可通过“忘记密码”找回。"
GENDER_MISMATCH_MESSAGE = "性别与身份证号不一致（身份证号第17位为奇数是男性，偶数是女性），请核对。"
ACTIVATION_FAILED_MESSAGE = (
    "未能完成核对。请确认身份证号和姓名与报考时登记的信息一致；如已设置过登录密码，请直接登录或使用“忘记密码”。"
    "仍有疑问请联系所属报名点。"
)


def new_username():
    """An opaque internal username: never derived from the ID number."""
    while True:
        username = "c" + secrets.token_hex(8)
        if not User.objects.filter(username=username).exists():
            return username


def _create_account(*, password, refusal, **profile):
    """The user and candidate rows of a new account.

    Two submits of one ID number at once pass the caller's check together; the unique ID number
    then decides, and the loser gets ``refusal``.
    """
    user = User(username=new_username())
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            return Candidate.objects.create(user=user, **profile)
    except IntegrityError:
        raise refusal from None


@transaction.atomic
def register_new_candidate(
    *, name, id_number, gender, ethnicity, household_type, education_level, occupation, political_status,
    mobile, email, county, password,
):
    """Create the account and profile of a 新考生 (identity not yet verified)."""
    facts = parse_id_number(id_number)
    if facts.gender != gender:
        raise AccountError(GENDER_MISMATCH_MESSAGE, code="gender_mismatch")
    if selectors.id_number_registered(facts.number):
        raise AccountError(ID_REGISTERED_MESSAGE, code="id_registered")
    candidate = _create_account(
        password=password, refusal=AccountError(ID_REGISTERED_MESSAGE, code="id_registered"),
        kind=Candidate.Kind.NEW, name=name, id_number=facts.number, gender=gender, birth_date=facts.birth_date,
        ethnicity=ethnicity, household_type=household_type, education_level=education_level,
        occupation=occupation, political_status=political_status, mobile=mobile, email=email, county=county,
    )
    record_event(
        actor=candidate.user, action=AuditAction.REGISTER_CANDIDATE, obj=candidate, to_state=candidate.identity_status,
        data={"kind": Candidate.Kind.NEW, "county": county.code},
    )
    return candidate


# The signed token that carries a matched registry entry from step 1 (身份证、姓名)
# to step 2 (设置登录密码) in the session: short-lived, never in a URL.
ACTIVATION_SALT = "candidates.enrolled-activation"
ACTIVATION_MAX_AGE = 15 * 60


def make_activation_token(record):
    return signing.dumps({"record": record.pk}, salt=ACTIVATION_SALT)


def read_activation_token(token):
    """The EnrolledRecord pk in a valid, unexpired token, else None."""
    if not token:
        return None
    try:
        return signing.loads(token, salt=ACTIVATION_SALT, max_age=ACTIVATION_MAX_AGE)["record"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


@transaction.atomic
def activate_enrolled_candidate(*, record_id, password, mobile, email=""):
    """Create the account of a 在籍考生 from the registry entry matched in step 1."""
    record = EnrolledRecord.objects.select_for_update().select_related("county").filter(pk=record_id).first()
    if record is None or record.activated_at is not None or selectors.id_number_registered(record.id_number):
        raise AccountError(ACTIVATION_FAILED_MESSAGE, code="not_activatable")
    facts = parse_id_number(record.id_number)
    candidate = _create_account(
        password=password, refusal=AccountError(ACTIVATION_FAILED_MESSAGE, code="not_activatable"),
        kind=Candidate.Kind.ENROLLED, name=record.name, id_number=facts.number, ticket_number=record.ticket_number,
        gender=facts.gender, birth_date=facts.birth_date, mobile=mobile, email=email, county=record.county,
    )
    record.activated_at = timezone.now()
    record.save(update_fields=["activated_at", "updated_at"])
    record_event(
        actor=candidate.user, action=AuditAction.ACTIVATE_ENROLLED_CANDIDATE, obj=candidate, to_state=candidate.identity_status,
        data={"kind": Candidate.Kind.ENROLLED, "county": record.county_id, "enrolled_record": record.pk},
    )
    return candidate


PROFILE_FIELDS = ["mobile", "email", "occupation", "education_level"]


UNCHANGED = object()


class CandidateProfileError(DomainError):
    """A profile change the rules refuse."""


@transaction.atomic
def update_candidate_profile(*, candidate, actor, mobile, email, occupation, education_level, major=UNCHANGED):
    """Change what a candidate may edit in the personal centre; name, ID and gender are not among it.

    ``major`` (报考专业) is left as it is unless given; a major closed to new candidates can be kept
    but not newly chosen.
    """
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    values = {"mobile": mobile, "email": email, "occupation": occupation, "education_level": education_level}
    if major is not UNCHANGED:
        if major is not None and not major.accepting_new and major.pk != candidate.major_id:
            raise CandidateProfileError(
                f"{major.name}专业已停止新生报名，请选择其他专业。", code="major_not_accepting"
            )
        values["major"] = major
    changed = [field for field, value in values.items() if getattr(candidate, field) != value]
    if not changed:
        return candidate, []
    for field in changed:
        setattr(candidate, field, values[field])
    candidate.save(update_fields=[*changed, "updated_at"])
    record_event(actor=actor, action=AuditAction.UPDATE_CANDIDATE_PROFILE, obj=candidate,
                 data={"fields": changed, **({"major": major.code if major else None} if "major" in changed else {})})
    return candidate, changed


@transaction.atomic
def change_password(*, form, how):
    """Save a valid password form (change or reset) and audit it in one transaction.

    ``form`` is one of Django's password forms: its ``save()`` hashes the new password the way
    the validators and hashers are configured. The caller refreshes the session afterwards.
    """
    user = form.save()
    record_event(actor=user, action=AuditAction.CHANGE_PASSWORD, obj=user, data={"how": how})
    return user


@transaction.atomic
def create_officer(*, username, password, level, county=None, city=None, institution=None, actor_label):
    """A staff account with its scope and the admin permissions of its level."""
    if User.objects.filter(username=username).exists():
        raise AccountError(f"用户名 {username} 已存在。", code="username_taken")
    user = User(username=username, is_staff=True)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two operators creating the same name at once: the unique username decided.
        raise AccountError(f"用户名 {username} 已存在。", code="username_taken") from None
    OfficerScope.objects.create(user=user, level=level, county=county, city=city, institution=institution)
    grant_officer_permissions(user)
    record_event(
        actor=None, actor_label=actor_label, action=AuditAction.CREATE_OFFICER, obj=user, to_state=level,
        data={
            "county": county.code if county else None, "city": city.code if city else None,
            "institution": institution.code if institution else None,
        },
    )
    return user


@transaction.atomic
def request_password_reset(*, id_number, name, domain, use_https, actor_label):
    """E-mail a reset link when ID number and name match an account with an e-mail address.

    Returns nothing the page could show: the answer is the same whether anybody
    was found or not.
    """
    id_number = normalize_id_number(id_number)
    candidate = selectors.candidate_by_id_number(id_number)
    found = (
        candidate is not None and selectors.same_name(candidate.name, name) and bool(candidate.email)
        and candidate.user.is_active and candidate.user.has_usable_password()
    )
    if not found:
        return
    user = candidate.user
    context = {
        "candidate": candidate,
        "protocol": "https" if use_https else "http",
        "domain": domain,
        "path": reverse(
            "password_reset_confirm",
            kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
        ),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    subject = "".join(render_to_string("candidates/email/password_reset_subject.txt", context).splitlines())
    body = render_to_string("candidates/email/password_reset_email.txt", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [candidate.email])
    record_event(
        actor=None, actor_label=actor_label, action=AuditAction.PASSWORD_RESET_REQUESTED, obj=user,
        data={"masked_id_number": mask_id_number(id_number)},
    )
    transaction.on_commit(message.send)


def look_up_ticket_number(*, id_number, name, actor=None, actor_label="anonymous", client_hash=""):
    """The ticket number for ID number + name, or None; every look-up is audited."""
    ticket_number = selectors.ticket_number_for(id_number=id_number, name=name)
    record_event(
        actor=actor, actor_label=actor_label, action=AuditAction.TICKET_NUMBER_LOOKUP,
        # recorded against the hashed ID number, never the number
        object_type="candidates.ticket_number_lookup", object_id=id_number_hash(id_number),
        to_state="found" if ticket_number else "not_found",
        data={"masked_id_number": mask_id_number(normalize_id_number(id_number)), "client": client_hash},
    )
    return ticket_number


# --- the enrolled-candidate registry (operators, import_enrolled) ---------------------------------


@transaction.atomic
def import_enrolled_records(*, rows, actor_label, dry_run=False):
    """Create or update one EnrolledRecord per row (matched on 身份证号).

    Rows whose ticket number belongs to another person's record are reported,
    not imported. With ``dry_run`` everything is rolled back, so the counts are
    exactly what a real run would do.
    """
    report = ImportReport()
    for row in rows:
        try:
            with transaction.atomic():
                outcome = _import_row(row, actor_label=actor_label)
        except RowRefused as refused:
            report.errors.append(RowError(row["line"], str(refused)))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    if dry_run:
        transaction.set_rollback(True)
    return report



def _import_row(row, *, actor_label):
    holder = EnrolledRecord.objects.filter(ticket_number=row["ticket_number"]).exclude(id_number=row["id_number"])
    if holder.exists():
        raise RowRefused("准考证号已属于名册中的另一位考生。")
    record = EnrolledRecord.objects.select_for_update().filter(id_number=row["id_number"]).first()
    values = {"name": row["name"], "ticket_number": row["ticket_number"], "county_id": row["county_code"]}
    if record is None:
        record = EnrolledRecord.objects.create(id_number=row["id_number"], **values)
        record_event(
            actor=None, actor_label=actor_label, action=AuditAction.IMPORT_ENROLLED_RECORD, obj=record, to_state="created",
            data={"masked_id_number": mask_id_number(record.id_number)},
        )
        return "created"
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(record, name, values[name])
    record.save(update_fields=[*changed, "updated_at"])
    record_event(
        actor=None, actor_label=actor_label, action=AuditAction.IMPORT_ENROLLED_RECORD, obj=record, to_state="updated",
        data={"fields": [name.removesuffix("_id") for name in changed]},
    )
    return "updated"
