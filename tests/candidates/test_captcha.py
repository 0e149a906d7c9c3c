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
