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
from candidates.models import Candidate, EnrolledRecord, User
from candidates.throttle import id_number_hash
from zikao.audit import record_event
from zikao.errors import DomainError
from zikao.idnumbers import mask_id_number, normalize_id_number, parse_id_number


class AccountError(Exception):
    """A rule of candidate accounts was broken; the message is fit to show the candidate."""

    def __init__(self, message, code=""):
        super().__init__(message)
        self.message = message
        self.code = code


ID_REGISTERED_MESSAGE = "该身份证号已注册。请直接登录；如忘记密码，可通过“忘记密码”找回。"
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


@transaction.atomic
def register_new_candidate(
    *, name, id_number, gender, ethnicity, household_type, education_level, occupation, political_status,
    mobile, email, county, password,
):
    """Create the account and profile of a 新考生 (identity not yet verified)."""
    facts = parse_id_number(id_number)
    if facts.gender != gender:
        raise AccountError("性别与身份证号不一致，请核对。", code="gender_mismatch")
    if selectors.id_number_registered(facts.number):
        raise AccountError(ID_REGISTERED_MESSAGE, code="id_registered")
    user = User(username=new_username())
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            candidate = Candidate.objects.create(
                user=user, kind=Candidate.Kind.NEW, name=name, id_number=facts.number, gender=gender,
                birth_date=facts.birth_date, ethnicity=ethnicity, household_type=household_type,
                education_level=education_level, occupation=occupation, political_status=political_status,
                mobile=mobile, email=email, county=county,
            )
    except IntegrityError:
        # Two submits of the same ID number at once: the unique constraint decided.
        raise AccountError(ID_REGISTERED_MESSAGE, code="id_registered") from None
    record_event(
        actor=user, action="register_candidate", obj=candidate, to_state=candidate.identity_status,
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
    user = User(username=new_username())
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            candidate = Candidate.objects.create(
                user=user, kind=Candidate.Kind.ENROLLED, name=record.name, id_number=facts.number,
                ticket_number=record.ticket_number, gender=facts.gender, birth_date=facts.birth_date,
                mobile=mobile, email=email, county=record.county,
            )
    except IntegrityError:
        raise AccountError(ACTIVATION_FAILED_MESSAGE, code="not_activatable") from None
    record.activated_at = timezone.now()
    record.save(update_fields=["activated_at", "updated_at"])
    record_event(
        actor=user, action="activate_enrolled_candidate", obj=candidate, to_state=candidate.identity_status,
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
    record_event(actor=actor, action="update_candidate_profile", obj=candidate,
                 data={"fields": changed, **({"major": major.code if major else None} if "major" in changed else {})})
    return candidate, changed


def record_password_change(*, user, how):
    """Audit a password change (the change itself is Django's form.save())."""
    record_event(actor=user, action="change_password", obj=user, data={"how": how})


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
        actor=None, actor_label=actor_label, action="password_reset_requested", obj=user,
        data={"masked_id_number": mask_id_number(id_number)},
    )
    transaction.on_commit(message.send)


def look_up_ticket_number(*, id_number, name, actor=None, actor_label="anonymous", client_hash=""):
    """The ticket number for ID number + name, or None; every look-up is audited."""
    ticket_number = selectors.ticket_number_for(id_number=id_number, name=name)
    record_event(
        actor=actor, actor_label=actor_label, action="ticket_number_lookup",
        # recorded against the hashed ID number, never the number
        object_type="candidates.ticket_number_lookup", object_id=id_number_hash(id_number),
        to_state="found" if ticket_number else "not_found",
        data={"masked_id_number": mask_id_number(normalize_id_number(id_number)), "client": client_hash},
    )
    return ticket_number
