"""Every candidate can get in: audio captcha, titles, errors tied to fields, phone-first
order, finger-sized controls, steps, and the small frictions, at 360 px in Chromium."""

import pytest

from tests.e2e.helpers import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_audio_captcha_plays_the_current_challenge(phone_page, live_server, artifacts_dir):
    page = phone_page
    wav_responses = []
    page.on("response", lambda r: wav_responses.append(r) if "/captcha-audio/" in r.url else None)
    page.goto(live_server.url + "/accounts/login/")
    image = page.get_by_role("img", name="验证码图片，可点击右侧按钮听语音")
    assert image.is_visible()
    key = page.locator("input[name=captcha_0]").input_value()

    page.get_by_role("button", name="听语音验证码").click()
    page.wait_for_function(
        "() => { const a = document.querySelector('audio.captcha-audio'); return a && !a.paused && a.currentTime > 0.3; }"
    )
    duration = page.evaluate("document.querySelector('audio.captcha-audio').duration")
    assert 5 <= duration <= 20
    assert key in wav_responses[-1].url and wav_responses[-1].status == 200

    # 换 is a real button: Space on it brings a new challenge, and the audio follows it.
    page.get_by_role("button", name="换一张验证码图片").focus()
    page.keyboard.press("Space")
    page.wait_for_function(f"() => document.querySelector('input[name=captcha_0]').value !== '{key}'")
    new_key = page.locator("input[name=captcha_0]").input_value()
    assert new_key in page.get_by_role("button", name="听语音验证码").get_attribute("data-captcha-audio")
    page.get_by_role("button", name="听语音验证码").click()
    page.wait_for_function(
        f"() => document.querySelector('audio.captcha-audio').src.includes('{new_key}')"
        " && document.querySelector('audio.captcha-audio').currentTime > 0.3"
    )
    assert_accessible(page)
    screenshot(page, artifacts_dir, "login-captcha-360")


def test_a_bot_filling_the_hidden_box_is_refused(phone_page, live_server):
    page = phone_page
    page.goto(live_server.url + "/accounts/login/")
    honeypot = page.locator("input[name=website]")
    assert not honeypot.is_visible() or honeypot.bounding_box()["x"] < -1000
    page.get_by_label("身份证号或准考证号").fill("010526100001")
    page.get_by_label("登录密码", exact=True).fill("whatever1")
    page.locator("input[name=captcha_1]").fill("ABCD")
    honeypot.fill("http://spam.example")  # what a form-filling bot does
    page.get_by_role("button", name="登录", exact=True).click()
    assert page.get_by_text("提交未通过安全检查，请刷新页面后重新填写。").is_visible()
