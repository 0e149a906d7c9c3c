from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """身份证号或准考证号 + 登录密码 + 验证码."""

    username = forms.CharField(
        label="身份证号或准考证号",
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters"}),
    )
    password = forms.CharField(
        label="登录密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    captcha = CaptchaField(label="验证码", error_messages={"invalid": "验证码不正确，请重新输入。"})

    error_messages = {
        # The same words whether the account exists or not.
        "invalid_login": "证件号码/准考证号或密码不正确，请重新输入。",
        "inactive": "证件号码/准考证号或密码不正确，请重新输入。",
    }
