"""Candidate accounts: registration, sign-in, recovery and the personal centre.

Views are thin: a form checks the input, one service changes state, errors
become messages. Every page with personal data is never cached
(candidate_required, LoginView and the password views send no-store).
"""

import math

from axes.helpers import get_client_ip_address, get_cool_off
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from candidates import selectors, services, throttle
from candidates.backends import axes_username
from candidates.decorators import approved_candidate_required, candidate_required
from candidates.forms import (
    CandidatePasswordChangeForm,
    CandidateSetPasswordForm,
    EnrolledPasswordForm,
    IdentityLookupForm,
    LoginForm,
    NewCandidateForm,
    ProfileForm,
)
from candidates.models import Candidate
from exams import registration as theory_registration
from zikao.blocks import cached_block
from zikao.selectors import all_windows, county_with_point, next_window_change

CANDIDATE_BACKEND = "candidates.backends.CandidateBackend"
TOO_MANY = "操作过于频繁，请 {minutes} 分钟后再试。"
ACTIVATION_SESSION_KEY = "enrolled_activation"


def _landing_url(user):
    """Where a signed-in user belongs: approved candidates the centre, others their status page."""
    if user.is_staff:
        return reverse("admin:index")
    try:
        candidate = user.candidate  # cached by the sign-in look-up: no query after signing in
    except Candidate.DoesNotExist:
        candidate = None
    if candidate is not None and candidate.is_approved:
        return reverse("center")
    return reverse("identity")


def _too_many(request, template, context, limit):
    messages.error(request, TOO_MANY.format(minutes=limit.minutes))
    return render(request, template, context, status=429)


def _lookup_refused(request, *, per_ip, per_id, id_number, template, context):
    """Count a look-up by ID number (from this address, of this number): None while both are within
    their limits, else the 429 page with an empty form, so the numbers typed are not shown again."""
    if throttle.hit_address_and_id_number(request, per_ip, per_id, id_number):
        return None
    return _too_many(request, template, {**context, "form": IdentityLookupForm()}, per_id)


# --- Sign-in, sign-out, idle keep-alive ---------------------------------------------------------


class CandidateLoginView(auth_views.LoginView):
    """/accounts/login/ and the home page's 考生登录 box (which posts here)."""

    template_name = "candidates/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        ip = throttle.client_ip(request)
        if throttle.is_exceeded(throttle.LOGIN_FAILURES_PER_IP, ip):
            form = self.get_form_class()(request)
            return _too_many(request, self.template_name, {"form": form}, throttle.LOGIN_FAILURES_PER_IP)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if form.has_error("__all__", "invalid_login"):
            throttle.hit(throttle.LOGIN_FAILURES_PER_IP, throttle.client_ip(self.request))
        return super().form_invalid(form)

    def get_default_redirect_url(self):
        return _landing_url(self.request.user)

    def get_success_url(self):
        # ?next= only for approved candidates: anyone else must see their status page first.
        landing = _landing_url(self.request.user)
        if landing != reverse("center"):
            return landing
        return super().get_success_url()


@require_POST
def logout_view(request):
    """退出登录: POST only, so a link or image elsewhere cannot sign anybody out."""
    logout(request)
    messages.info(request, "您已安全退出登录。")
    return redirect("home")


@never_cache
@require_POST
def session_keepalive(request):
    """继续 in the idle warning: saves the session now, restarting its full idle timeout."""
    if not request.user.is_authenticated:
        # 401, not a redirect to the login page: the script must know the session is gone.
        return HttpResponse(status=401)
    request.session.modified = True
    return HttpResponse(status=204)


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """Shown by django-axes when an account is locked from this address: says how long to wait."""
    cool_off = get_cool_off(request)
    last = selectors.last_failed_attempt_at(
        username=axes_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None) or get_client_ip_address(request),
    )
    now = timezone.now()
    unlock_at = (last or now) + cool_off
    minutes = max(1, math.ceil((unlock_at - now).total_seconds() / 60))
    context = {"minutes": minutes, "unlock_at": timezone.localtime(unlock_at), "cooloff_minutes": int(cool_off.total_seconds() // 60)}
    return render(request, "candidates/locked_out.html", context, status=429)


# --- Registration -------------------------------------------------------------------------------


def register(request):
    """考生注册: choose 新考生 or 在籍考生."""
    return render(request, "candidates/register.html")


@sensitive_post_parameters("password1", "password2", "id_number", "name", "mobile", "email")
@never_cache
def register_new(request):
    if request.user.is_authenticated:
        return redirect(_landing_url(request.user))
    form = NewCandidateForm(request.POST or None)
    if request.method == "POST":
        if not throttle.hit(throttle.REGISTER_PER_IP, throttle.client_ip(request)):
            return _too_many(request, "candidates/register_new.html", {"form": NewCandidateForm()},
                             throttle.REGISTER_PER_IP)
        if form.is_valid():
            data = form.cleaned_data
            try:
                candidate = services.register_new_candidate(
                    name=data["name"], id_number=data["id_number"], gender=data["gender"],
                    ethnicity=data["ethnicity"], household_type=data["household_type"],
                    education_level=data["education_level"], occupation=data["occupation"],
                    political_status=data["political_status"], mobile=data["mobile"], email=data["email"],
                    county=data["county"], password=data["password1"],
                )
            except services.AccountError as error:
                form.add_error("id_number" if error.code == "id_registered" else None, error.message)
            else:
                login(request, candidate.user, backend=CANDIDATE_BACKEND)
                messages.success(request, "注册成功！请上传“三照”完成身份验证，验证通过后即可办理各项业务。")
                return redirect("identity")
    return render(request, "candidates/register_new.html", {"form": form})


@sensitive_post_parameters("id_number", "name")
@never_cache
def register_enrolled(request):
    """在籍考生 step 1: 身份证号 + 姓名 + 验证码 against the imported registry."""
    if request.user.is_authenticated:
        return redirect(_landing_url(request.user))
    form = IdentityLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused = _lookup_refused(
            request, per_ip=throttle.ENROLLED_MATCH_PER_IP, per_id=throttle.ENROLLED_MATCH_PER_ID,
            id_number=form.cleaned_data["id_number"], template="candidates/register_enrolled.html", context={},
        )
        if refused:
            return refused
        record = selectors.activatable_enrolled_record(
            id_number=form.cleaned_data["id_number"], name=form.cleaned_data["name"]
        )
        if record is None:
            messages.error(request, services.ACTIVATION_FAILED_MESSAGE)
            form = IdentityLookupForm(initial={key: form.cleaned_data[key] for key in ("id_number", "name")})
        else:
            request.session[ACTIVATION_SESSION_KEY] = services.make_activation_token(record)
            return redirect("register_enrolled_password")
    return render(request, "candidates/register_enrolled.html", {"form": form})


@sensitive_post_parameters("password1", "password2", "mobile", "email")
@never_cache
def register_enrolled_password(request):
    """在籍考生 step 2: 设置登录密码 for the registry entry matched in step 1."""
    record_id = services.read_activation_token(request.session.get(ACTIVATION_SESSION_KEY))
    record = selectors.enrolled_record(record_id)
    if record is None:
        request.session.pop(ACTIVATION_SESSION_KEY, None)
        messages.warning(request, "核对信息已过期（有效期15分钟），请重新输入身份证号和姓名。")
        return redirect("register_enrolled")
    form = EnrolledPasswordForm(request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.activate_enrolled_candidate(
                record_id=record.pk, password=form.cleaned_data["password1"],
                mobile=form.cleaned_data["mobile"], email=form.cleaned_data["email"],
            )
        except services.AccountError as error:
            request.session.pop(ACTIVATION_SESSION_KEY, None)
            messages.error(request, error.message)
            return redirect("register_enrolled")
        request.session.pop(ACTIVATION_SESSION_KEY, None)
        login(request, candidate.user, backend=CANDIDATE_BACKEND)
        messages.success(request, "登录密码设置成功！请上传“两照”完成身份验证，验证通过后即可办理各项业务。")
        return redirect("identity")
    return render(request, "candidates/register_enrolled_password.html", {"form": form, "record": record})


# --- Recovery -----------------------------------------------------------------------------------


@method_decorator(candidate_required, name="dispatch")
class CandidatePasswordChangeView(auth_views.PasswordChangeView):
    """修改密码 (Django's view: sensitive_post_parameters, csrf, login required)."""

    template_name = "candidates/password_change.html"
    form_class = CandidatePasswordChangeForm

    def form_valid(self, form):
        user = services.change_password(form=form, how="change")
        # Keeps this session signed in; the new hash signs every other session out.
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "密码已修改，下次请使用新密码登录。")
        return redirect(_landing_url(form.user))


def _point_lookup_context(request):
    """报名点联系方式 for the county chosen in the GET form (public information)."""
    code = request.GET.get("county", "")
    point_county = county_with_point(code)
    return {
        "county_groups": selectors.counties_by_city(),
        "point_county": point_county,
        "point": getattr(point_county, "registration_point", None) if point_county else None,
    }


@sensitive_post_parameters("id_number", "name")
@never_cache
def password_reset(request):
    """忘记密码: a reset link by e-mail, or the registration point for those without one."""
    form = IdentityLookupForm(request.POST or None)
    context = {"form": form, **_point_lookup_context(request)}
    if request.method == "POST" and form.is_valid():
        id_number = form.cleaned_data["id_number"]
        refused = _lookup_refused(
            request, per_ip=throttle.PASSWORD_RESET_PER_IP, per_id=throttle.PASSWORD_RESET_PER_ID,
            id_number=id_number, template="candidates/password_reset.html", context=context,
        )
        if refused:
            return refused
        services.request_password_reset(
            id_number=id_number, name=form.cleaned_data["name"], domain=request.get_host(),
            use_https=request.is_secure(), actor_label=f"anonymous:{throttle.client_ip_hash(request)}",
        )
        return redirect("password_reset_done")
    return render(request, "candidates/password_reset.html", context)


def password_reset_done(request):
    return render(request, "candidates/password_reset_done.html", _point_lookup_context(request))


class CandidatePasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "candidates/password_reset_confirm.html"
    form_class = CandidateSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        # Django's form_valid without its own form.save(): the service saves and audits at once.
        services.change_password(form=form, how="reset_by_email")
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class CandidatePasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "candidates/password_reset_complete.html"


@sensitive_post_parameters("id_number", "name")
@never_cache
def ticket_number(request):
    """找回准考证号: 身份证号 + 姓名 + 验证码; rate-limited per address and per ID number."""
    form = IdentityLookupForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        id_number = form.cleaned_data["id_number"]
        refused = _lookup_refused(
            request, per_ip=throttle.TICKET_LOOKUP_PER_IP, per_id=throttle.TICKET_LOOKUP_PER_ID,
            id_number=id_number, template="candidates/ticket_number.html", context=context,
        )
        if refused:
            return refused
        user = request.user if request.user.is_authenticated else None
        found = services.look_up_ticket_number(
            id_number=id_number, name=form.cleaned_data["name"], actor=user,
            actor_label="" if user else "anonymous", client_hash=throttle.client_ip_hash(request),
        )
        context.update({"searched": True, "found_ticket_number": found, "form": IdentityLookupForm()})
    return render(request, "candidates/ticket_number.html", context)


# --- Personal centre ----------------------------------------------------------------------------


QUERY_CENTRE = [
    ("合格成绩查询", "passed_courses", None, ""),
    ("当次成绩查询", "current_scores", None, ""),
    ("报考简章", "notice_list", None, "?category=guide"),
    ("专业计划查询", "plan_list", None, ""),
    ("准考证打印", "admission_ticket", None, ""),
    ("当次免考审核结果查询", "exemption_results", None, ""),
    ("订单查询", "order_list", None, ""),
    ("通知公告", "notice_list", None, ""),
    ("毕业合格条件查询", "graduation_conditions", None, ""),
]


def _query_centre():
    return [
        (label, reverse(name, args=[slug] if slug else None) + query) for label, name, slug, query in QUERY_CENTRE
    ]


def _windows_block(now, *, record_closed=False):
    """快捷入口 and 查询中心: the same for every candidate, so rendered once and shared
    (zikao.blocks). This and the session write were most of the centre's cost under load.
    A candidate whose record has left Shanxi (rare) gets the times without links, uncached."""

    def render():
        windows = all_windows()
        html = render_to_string("candidates/_center_windows.html", {
            "windows": selectors.business_windows(now=now, windows=windows, links=not record_closed),
            "query_links": _query_centre(),
        })
        return html, next_window_change(windows, now=now)

    if record_closed:
        return render()[0]
    return cached_block("windows", render, now=now)


@approved_candidate_required
def center(request):
    """个人中心: profile, 快捷入口 (business windows), 查询中心, the candidate's messages."""
    candidate = request.candidate
    return render(request, "candidates/center.html", {
        "candidate": candidate,
        "windows_block": _windows_block(timezone.now(), record_closed=candidate.record_closed),
        "candidate_messages": selectors.candidate_messages(candidate),
        "theory_registration": theory_registration.latest_registration(candidate),
    })


@approved_candidate_required
def center_profile(request):
    """修改个人信息: 手机号, 电子邮箱, 职业, 文化程度 (name, ID number and gender are locked)."""
    candidate = request.candidate
    form = ProfileForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, changed = services.update_candidate_profile(
                candidate=candidate, actor=request.user, mobile=data["mobile"], email=data["email"],
                occupation=data["occupation"], education_level=data["education_level"], major=data["major"],
            )
        except services.CandidateProfileError as error:
            form.add_error("major", error.message)
        else:
            messages.success(request, "个人信息已保存。" if changed else "个人信息没有变化。")
            return redirect("center")
    return render(request, "candidates/profile_edit.html", {"form": form, "candidate": candidate})
