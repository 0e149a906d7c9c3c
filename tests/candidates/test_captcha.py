"""The captcha image every sign-in and registration page shows."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw

from candidates.captcha import noise_dots

WHITE = (255, 255, 255)


@pytest.mark.django_db
def test_the_sign_in_page_captcha_is_a_png_image(client):
    page = client.get(reverse("login")).content.decode()
    src = re.search(r'<img src="(/captcha/image/[0-9a-f]{40}/)"', page).group(1)
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (100, 38)
    assert len(image.convert("RGB").getcolors(maxcolors=100_000)) > 20  # letters, arcs and dots, smoothed


def test_noise_dots_cover_a_tenth_of_the_image_from_edge_to_edge():
    image = Image.new("RGB", (100, 38), WHITE)
    noise_dots(ImageDraw.Draw(image), image)
    dots = [(x, y) for x in range(100) for y in range(38) if image.getpixel((x, y)) != WHITE]
    assert 300 <= len(dots) <= 380  # 380 dots, a few on the same pixel or just outside
    assert min(x for x, _ in dots) < 10 and max(x for x, _ in dots) > 90
    assert min(y for _, y in dots) < 5 and max(y for _, y in dots) > 33


def _rms_per_tenth_of_a_second(wav_bytes):
    import wave

    import numpy

    with wave.open(io.BytesIO(wav_bytes)) as sound:
        assert sound.getnchannels() == 1 and sound.getsampwidth() == 2
        rate, frames = sound.getframerate(), sound.readframes(sound.getnframes())
    samples = numpy.frombuffer(frames, dtype="<i2").astype(float)
    window = rate // 10
    chunks = samples[: len(samples) // window * window].reshape(-1, window)
    return rate, len(samples) / rate, numpy.sqrt((chunks**2).mean(axis=1))


@pytest.mark.django_db
def test_the_audio_captcha_speaks_the_current_challenge_in_a_plausible_wav(client):
    from captcha.models import CaptchaStore

    page = client.get(reverse("login")).content.decode()
    key = re.search(r'name="captcha_0" value="([0-9a-f]{40})"', page).group(1)
    store = CaptchaStore.objects.get(hashkey=key)
    audio_url = reverse("captcha_audio", kwargs={"key": key})
    assert f'data-captcha-audio="{audio_url}"' in page
    assert store.response.lower() not in audio_url.lower()  # the URL names the challenge, never its answer

    response = client.get(audio_url)
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert response["Cache-Control"] == "no-store"
    rate, seconds, rms = _rms_per_tenth_of_a_second(response.content)
    assert rate >= 16000
    # Intro, four characters, 再听一遍, four characters again at 120 words a minute.
    assert 5 <= seconds <= 20
    assert rms.max() > 1000  # loud enough to hear (16-bit full scale is 32767)
    assert (rms > 300).mean() > 0.3  # speech through much of it, not one click in silence


@pytest.mark.django_db
def test_the_audio_captcha_is_refused_once_the_challenge_is_used_or_unknown(client):
    from captcha.models import CaptchaStore

    page = client.get(reverse("login")).content.decode()
    key = re.search(r'name="captcha_0" value="([0-9a-f]{40})"', page).group(1)
    client.post(reverse("login"), {"username": "010526100001", "password": "x", "captcha_0": key, "captcha_1": "zzzz"})
    assert not CaptchaStore.objects.filter(hashkey=key).exists()
    assert client.get(reverse("captcha_audio", kwargs={"key": key})).status_code == 404
    assert client.get(reverse("captcha_audio", kwargs={"key": "0" * 40})).status_code == 404


def test_each_spoken_challenge_differs_with_its_characters():
    from candidates.captcha import speak_challenge

    assert speak_challenge("ABCD") != speak_challenge("WXYZ")


@pytest.mark.django_db
def test_every_captcha_form_has_the_chinese_alternative_text_and_the_honeypot(client):
    for name in ["login", "home", "register_new", "register_enrolled", "ticket_number", "password_reset"]:
        page = client.get(reverse(name)).content.decode()
        assert 'alt="验证码图片，可点击右侧按钮听语音"' in page, name
        assert ">听语音验证码</button>" in page, name
        assert re.search(r'<div class="portal-honeypot" aria-hidden="true">.*name="website"[^>]*tabindex="-1"', page), name


@pytest.mark.django_db
def test_a_bot_that_fills_the_honeypot_is_refused_before_the_captcha_is_checked(client):
    from captcha.models import CaptchaStore

    page = client.get(reverse("login")).content.decode()
    key = re.search(r'name="captcha_0" value="([0-9a-f]{40})"', page).group(1)
    answer = CaptchaStore.objects.get(hashkey=key).response
    response = client.post(reverse("login"), {
        "username": "010526100001", "password": "x", "captcha_0": key, "captcha_1": answer, "website": "http://spam",
    })
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "honeypot")
    assert "提交未通过安全检查" in response.content.decode()
    assert CaptchaStore.objects.filter(hashkey=key).exists()  # never reached the captcha


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "register_new", "register_enrolled", "ticket_number", "password_reset"])
def test_a_captcha_error_is_tied_to_the_answer_box_on_every_captcha_form(client, name):
    page = client.get(reverse(name)).content.decode()
    key = re.search(r'name="captcha_0" value="([0-9a-f]{40})"', page).group(1)
    page = client.post(reverse(name), {"captcha_0": key, "captcha_1": ""}).content.decode()
    answer = re.search(r'<input type="text" name="captcha_1"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in answer
    assert 'aria-describedby="id_captcha_error"' in answer
    assert re.search(r'class="form-control is-invalid"', answer)
    assert re.search(r'<div class="invalid-feedback d-block" id="id_captcha_error">请输入验证码。</div>', page)
    hidden_key = re.search(r'<input type="hidden" name="captcha_0"[^>]*>', page).group(0)
    assert "aria-describedby" not in hidden_key and "is-invalid" not in hidden_key
