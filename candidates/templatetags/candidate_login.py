"""The 考生登录 box other apps' pages show (the home page), so they need not know the sign-in form."""

from django import template

from candidates.forms import LoginForm

register = template.Library()


@register.inclusion_tag("candidates/_home_login_box.html", takes_context=True)
def home_login_box(context):
    request = context["request"]
    return {
        "request": request,
        "user": context.get("user", request.user),
        "csrf_token": context.get("csrf_token"),
        "login_form": LoginForm(request),
    }
