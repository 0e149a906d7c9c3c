import re

from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict

from candidates import selectors
from candidates.captcha import PortalCaptchaWidget
from candidates.models import Candidate, User
from candidates.services import GENDER_MISMATCH_MESSAGE, ID_REGISTERED_MESSAGE
from candidates.validators import validate_mobile
from zikao.idnumbers import parse_id_number
from zikao.models import County
from zikao.reference import ETHNICITIES

NAME_RE = re.compile(r"^[\u3400-\u9fffA-Za-z·•．. ]{2,50}$")
CAPTCHA_MESSAGES = {"invalid": "验证码不正确，请重新输入。", "required": "请输入验证码。"}


def captcha_field():
    return CaptchaField(label="验证码", error_messages=CAPTCHA_MESSAGES, widget=PortalCaptchaWidget())


def required(label):
    return {"required": f"请填写{label}。"}


def chosen(label):
    return {"required": f"请选择{label}。", "invalid_choice": f"请从列表中选择{label}。"}


def blank_first(choices, text="请选择"):
    return [("", text), *choices]


HONEYPOT_FIELD = "website"


class HoneypotMixin:
    """A box people never see or reach (public forms only): a bot that fills
    every input is refused before the captcha, the password or the database is
    looked at. Rendered by zikao/_captcha.html next to the captcha."""

    honeypot_message = "提交未通过安全检查，请刷新页面后重新填写。"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label="网址（请勿填写）", required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    def full_clean(self):
        if self.is_bound and self.data.get(self.add_prefix(HONEYPOT_FIELD)):
            self._errors = ErrorDict()
            self.cleaned_data = {}
            self.add_error(None, ValidationError(self.honeypot_message, code="honeypot"))
            return
        super().full_clean()


class PortalFormMixin:
    """Bootstrap classes on every widget; invalid fields marked for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(field, CaptchaField):
                continue
            if isinstance(widget, forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            # The captcha too: PortalCaptchaWidget puts these on the answer box only.
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described_by = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described_by.append(f"{self[name].auto_id}_helptext")
                attrs["aria-describedby"] = " ".join(described_by)
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = attrs.get("class", "") + " is-invalid"


def id_number_field(**kwargs):
    return forms.CharField(
        label="身份证号", max_length=18, min_length=1,
        error_messages={"required": "请填写身份证号。", "max_length": "身份证号应为18位，请核对后重新输入。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        **kwargs,
    )


def name_field():
    return forms.CharField(
        label="姓名", max_length=50, error_messages={**required("姓名"), "max_length": "姓名不能超过50个字。"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


PASSWORD_HELP_TEXT = "至少8位，须同时包含字母和数字，不能包含身份证号或其后6位，不能使用常见密码。"  # noqa: S105 — the rules, not a password


def password_fields():
    return (
        forms.CharField(
            label="登录密码", strip=False, error_messages=required("登录密码"), help_text=PASSWORD_HELP_TEXT,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
        forms.CharField(
            label="确认密码", strip=False, error_messages={"required": "请再次输入登录密码。"},
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class SetPasswordFieldsMixin:
    """password1 / password2, checked against the validators with the candidate's ID number."""

    def password_subject(self):
        """An unsaved User whose candidate carries the ID number the password must not contain."""
        raise NotImplementedError

    def clean_password2(self):
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError("两次输入的密码不一致。", code="password_mismatch")
        return password2

    def _check_password(self):
        password = self.cleaned_data.get("password1")
        if not password or self.has_error("password2"):
            return
        try:
            password_validation.validate_password(password, self.password_subject())
        except ValidationError as error:
            self.add_error("password1", error)


class LoginForm(HoneypotMixin, PortalFormMixin, AuthenticationForm):
    """身份证号或准考证号 + 登录密码 + 验证码."""

    username = forms.CharField(
        label="身份证号或准考证号",
        max_length=18,
        error_messages={"required": "请填写身份证号或准考证号。"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters"}),
    )
    password = forms.CharField(
        label="登录密码", strip=False, error_messages={"required": "请填写登录密码。"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    captcha = captcha_field()

    error_messages = {
        # The same words whether the account exists or not.
        "invalid_login": "证件号码/准考证号或密码不正确，请重新输入。",
        "inactive": "证件号码/准考证号或密码不正确，请重新输入。",
        "staff": "工作人员账号请从管理后台（/admin/）登录，本页仅供考生登录。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm widens this to the User model's 150; logins are ID (18) or ticket (12) numbers.
        self.fields["username"].max_length = 18
        self.fields["username"].widget.attrs["maxlength"] = "18"

    def clean(self):
        # No password is checked until the captcha is solved, so the form cannot
        # be used to test passwords without one.
        if self.has_error("captcha") or "captcha" not in self.cleaned_data:
            return self.cleaned_data
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_staff:
            raise ValidationError(self.error_messages["staff"], code="staff")
        if not hasattr(user, "candidate"):  # cached by the sign-in look-up: no query
            raise self.get_invalid_login_error()


class CountyChoiceField(forms.ChoiceField):
    """报名区县 as a select grouped by city (<optgroup>): usable without JavaScript."""

    def __init__(self, **kwargs):
        super().__init__(label="报名区县", error_messages=chosen("报名区县"), **kwargs)

    def load_choices(self):
        groups = [
            (city.name, [(county.code, county.name) for county in counties])
            for city, counties in selectors.counties_by_city()
        ]
        self.choices = blank_first(groups, "请选择区县")

    def clean(self, value):
        code = super().clean(value)
        county = County.objects.select_related("city").filter(code=code).first()
        if county is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return county


class NewCandidateForm(HoneypotMixin, PortalFormMixin, SetPasswordFieldsMixin, forms.Form):
    """新考生：填写个人信息、设置登录密码."""

    name = name_field()
    id_number = id_number_field(help_text="18位居民身份证号，末位为X的请输入X。")
    gender = forms.ChoiceField(
        label="性别", choices=Candidate.Gender.choices, widget=forms.RadioSelect, error_messages=chosen("性别")
    )
    ethnicity = forms.ChoiceField(label="民族", choices=blank_first([(e, e) for e in ETHNICITIES]),
                                  error_messages=chosen("民族"))
    household_type = forms.ChoiceField(label="户口性质", choices=blank_first(Candidate.HouseholdType.choices),
                                       error_messages=chosen("户口性质"))
    education_level = forms.ChoiceField(label="文化程度", choices=blank_first(Candidate.EducationLevel.choices),
                                        error_messages=chosen("文化程度"))
    occupation = forms.ChoiceField(label="职业", choices=blank_first(Candidate.Occupation.choices),
                                   error_messages=chosen("职业"))
    political_status = forms.ChoiceField(label="政治面貌", choices=blank_first(Candidate.PoliticalStatus.choices),
                                         error_messages=chosen("政治面貌"))
    mobile = forms.CharField(
        label="手机号", max_length=11, validators=[validate_mobile],
        error_messages={**required("手机号"), "max_length": "手机号应为以1开头的11位数字。"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )
    email = forms.EmailField(
        label="电子邮箱", required=False, help_text="选填。填写后，忘记密码时可通过邮箱找回。",
        error_messages={"invalid": "电子邮箱格式不正确，请核对（例如 name@example.com）。"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    city = forms.ChoiceField(label="报名地市", error_messages=chosen("报名地市"))
    county = CountyChoiceField()
    password1, password2 = password_fields()
    captcha = captcha_field()

    error_messages = {
        "id_registered": ID_REGISTERED_MESSAGE,
        "id_enrolled": "该身份证号已在在籍考生名册中，请返回“考生注册”选择“我是在籍考生”完成注册。",
        "gender_mismatch": GENDER_MISMATCH_MESSAGE,
        "name_invalid": "姓名应与身份证上的一致，只能包含汉字、字母和间隔号“·”。",
        "county_city_mismatch": "所选区县不属于所选地市，请重新选择。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = blank_first([(city.code, city.name) for city, _ in selectors.counties_by_city()],
                                                  "请选择地市")
        self.fields["county"].load_choices()

    def clean_name(self):
        name = "".join(self.cleaned_data["name"].split())
        if not NAME_RE.match(name):
            raise ValidationError(self.error_messages["name_invalid"], code="name_invalid")
        return name

    def clean_id_number(self):
        facts = parse_id_number(self.cleaned_data["id_number"])
        if selectors.id_number_registered(facts.number):
            raise ValidationError(self.error_messages["id_registered"], code="id_registered")
        if selectors.id_number_in_registry(facts.number):
            raise ValidationError(self.error_messages["id_enrolled"], code="id_enrolled")
        self.id_facts = facts
        return facts.number

    def clean(self):
        cleaned = super().clean()
        facts = getattr(self, "id_facts", None)
        if facts and cleaned.get("gender") and cleaned["gender"] != facts.gender:
            self.add_error("gender", ValidationError(self.error_messages["gender_mismatch"], code="gender_mismatch"))
        county, city = cleaned.get("county"), cleaned.get("city")
        if county and city and county.city_id != city:
            self.add_error("county", ValidationError(self.error_messages["county_city_mismatch"],
                                                     code="county_city_mismatch"))
        self._check_password()
        return cleaned

    def password_subject(self):
        user = User()
        Candidate(user=user, id_number=self.cleaned_data.get("id_number") or "")
        return user

    @property
    def id_already_registered(self):
        return self.has_error("id_number", "id_registered")


class IdentityLookupForm(HoneypotMixin, PortalFormMixin, forms.Form):
    """身份证号 + 姓名 + 验证码: enrolled activation, 找回准考证号, 忘记密码."""

    id_number = id_number_field()
    name = name_field()
    captcha = captcha_field()

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).number

    def clean_name(self):
        return "".join(self.cleaned_data["name"].split())


class EnrolledPasswordForm(PortalFormMixin, SetPasswordFieldsMixin, forms.Form):
    """在籍考生：设置登录密码 (with the contact details the registry does not hold)."""

    mobile = NewCandidateForm.base_fields["mobile"]
    email = NewCandidateForm.base_fields["email"]
    password1, password2 = password_fields()

    def __init__(self, *args, record, **kwargs):
        self.record = record
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        self._check_password()
        return cleaned

    def password_subject(self):
        user = User()
        Candidate(user=user, id_number=self.record.id_number)
        return user


class NewPasswordFormMixin(PortalFormMixin):
    """Chinese labels and rules text for Django's new-password forms (change and reset)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password1"].help_text = PASSWORD_HELP_TEXT
        self.fields["new_password2"].label = "确认新密码"
        self.error_messages = {**self.error_messages, "password_mismatch": "两次输入的新密码不一致。"}


class CandidatePasswordChangeForm(NewPasswordFormMixin, PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "原密码"
        self.error_messages = {**self.error_messages, "password_incorrect": "原密码不正确，请重新输入。"}


class CandidateSetPasswordForm(NewPasswordFormMixin, SetPasswordForm):
    pass


class ProfileForm(PortalFormMixin, forms.ModelForm):
    """What a candidate may change in the personal centre: contact details, 职业, 文化程度, 报考专业."""

    mobile = NewCandidateForm.base_fields["mobile"]
    email = NewCandidateForm.base_fields["email"]

    class Meta:
        model = Candidate
        fields = ["mobile", "email", "occupation", "education_level", "major"]
        error_messages = {
            "occupation": chosen("职业"),
            "education_level": chosen("文化程度"),
            "major": {"invalid_choice": "请从列表中选择接受报名的专业。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["occupation", "education_level"]:
            self.fields[name].required = True
            self.fields[name].choices = blank_first(list(self.fields[name].choices)[1:])
        # Majors accepting candidates, plus the one already chosen even if it has closed since.
        from exams.forms import MajorChoiceField
        from exams.selectors import majors_for_profile

        current = self.instance.major_id if self.instance else None
        self.fields["major"] = MajorChoiceField(
            label="报考专业", required=False, queryset=majors_for_profile(current), empty_label="暂不选择",
            error_messages=self._meta.error_messages["major"],
            help_text="选择后可在“合格成绩查询”中查看按专业计划统计的学分。",
        )
        self.fields["major"].widget.attrs["class"] = "form-select"


