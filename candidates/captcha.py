"""django-simple-captcha additions: image noise (CAPTCHA_NOISE_FUNCTIONS) and the spoken captcha."""

import io
import logging
import random
import shutil
import subprocess
import wave

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaTextInput
from captcha.models import CaptchaStore
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def noise_dots(draw, image):
    """The library's dot noise, one pixel in ten, drawn in one call instead of one call per dot.

    Every sign-in fetches a captcha image, and the library's version calls the
    drawing function once per dot, a noticeable share of the image's CPU at
    rush hour (figures in docs/benchmarks.md).
    """
    width, height = image.size
    count = int(width * height * 0.1)
    xs = random.choices(range(width + 1), k=count)
    ys = random.choices(range(height + 1), k=count)
    draw.point(list(zip(xs, ys, strict=True)), fill=captcha_settings.CAPTCHA_FOREGROUND_COLOR)
    return draw


# Audio captcha -------------------------------------------------------------
# Debian's espeak-ng 1.51 reads Chinese characters through pinyin with the tone
# digit spoken in English ("三" comes out as "san one"), so the Mandarin
# framing words are given in pinyin to the cmn-latn-pinyin voice, and the
# challenge's letters and digits to the cmn voice, which says them the way
# Chinese speakers name Latin letters (A "ei", K "kei").
ESPEAK = shutil.which("espeak-ng") or "/usr/bin/espeak-ng"
INTRO = "yan4 zheng4 ma3 shi4"  # 验证码是
AGAIN = "zai4 ting1 yi2 bian4"  # 再听一遍
SPEED = 120  # words per minute: slower than espeak's 175, one character at a time


def _espeak(text, voice):
    result = subprocess.run(  # noqa: S603 - fixed argv, the text goes in on stdin
        [ESPEAK, "-v", voice, "-s", str(SPEED), "--stdout", "--stdin"],
        input=text.encode(), capture_output=True, check=True, timeout=10,
    )
    return result.stdout


def speak_challenge(challenge):
    """The challenge spoken in Mandarin, twice, as one mono 16-bit WAV file."""
    spelled = "，".join(challenge)
    parts = [(INTRO, "cmn-latn-pinyin"), (spelled, "cmn"), (AGAIN, "cmn-latn-pinyin"), (spelled, "cmn")]
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        for index, (text, voice) in enumerate(parts):
            with wave.open(io.BytesIO(_espeak(text, voice))) as source:
                if index == 0:
                    target.setparams(source.getparams())
                    pause = b"\0" * (source.getsampwidth() * source.getframerate() * 4 // 10)
                # espeak's WAV header claims an unknown length; read what is there.
                target.writeframes(source.readframes(2**31 - 1) + pause)
    return out.getvalue()


@require_GET
def captcha_audio(request, key):
    """The spoken form of an unexpired challenge; looked up by its key, never by its answer."""
    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
    if store is None:
        raise Http404("验证码已过期，请换一张。")
    cache_key = f"captcha-audio:{key}"
    audio = cache.get(cache_key)
    if audio is None:
        try:
            audio = speak_challenge(store.challenge)
        except (OSError, subprocess.SubprocessError):
            logger.exception("espeak-ng could not speak a captcha")
            return HttpResponse("语音验证码暂时无法生成，请稍后再试。", status=503,
                                content_type="text/plain; charset=utf-8")
        # Repeated plays of one challenge reuse the file for as long as the challenge lives.
        cache.set(cache_key, audio, timeout=captcha_settings.CAPTCHA_TIMEOUT * 60)
    response = HttpResponse(audio, content_type="audio/wav")
    response["Cache-Control"] = "no-store"
    return response


class PortalCaptchaWidget(CaptchaTextInput):
    """The challenge image, 听语音验证码 and 换 buttons, and the answer box.

    Rendered with the project's template engine: the default form renderer does
    not look in templates/, so an override of the library's template is never used.
    """

    template_name = "zikao/_captcha_widget.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["audio"] = reverse("captcha_audio", kwargs={"key": self._key})
        context["refresh"] = self.refresh_url()
        key, answer = (subwidget["attrs"] for subwidget in context["widget"]["subwidgets"])
        for attr in ("class", "aria-invalid", "aria-describedby"):  # the form's error marks: for the answer box
            key.pop(attr, None)
        answer["class"] = " ".join(["form-control", *answer.get("class", "").split()])
        return context

    def _render(self, template_name, context, renderer=None):
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - escaped by the template
