"""Shared steps of the candidate-account browser journeys."""

from tests.e2e.helpers import fits_the_phone, solve_captcha
from tests.factories import DEFAULT_PASSWORD


def sign_in(page, live_server, login, password=DEFAULT_PASSWORD):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("身份证号或准考证号").fill(login)
    page.get_by_label("登录密码", exact=True).fill(password)
    solve_captcha(page, "main form")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state("networkidle")


def no_sideways_scroll(page, width):
    return fits_the_phone(page, width)
