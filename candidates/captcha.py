"""Noise for django-simple-captcha's images (CAPTCHA_NOISE_FUNCTIONS)."""

import random

from captcha.conf import settings as captcha_settings


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
