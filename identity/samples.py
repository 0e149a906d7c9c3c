"""Sample identity photos built from two real, freely licensed portraits.

scikit-image's ``astronaut()`` (Eileen Collins) and matplotlib's
``grace_hopper.jpg`` are two different real people. From each we build what a
candidate uploads: a 证件照 on a plain background, an ID-card-like composite
with the portrait on the right, and a half-body photo holding that card.
Used by the tests, the benchmark, the threshold measurements and the demo.
Both packages are test extras: ``available()`` says whether they are there.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

# Standard 证件照 background colours (RGB).
BLUE = (67, 142, 219)
WHITE = (255, 255, 255)
LIGHT_GREY = (222, 224, 226)


@dataclass(frozen=True)
class Person:
    name: str
    head_box: tuple  # (left, top, right, bottom) around head and shoulders in the source
    card_box: tuple  # tighter box (head only) for the ID-card portrait


PEOPLE = {
    "astronaut": Person("astronaut", head_box=(100, 0, 350, 300), card_box=(140, 10, 310, 215)),
    "grace_hopper": Person("grace_hopper", head_box=(95, 0, 455, 450), card_box=(130, 10, 420, 360)),
}


def available():
    try:
        import matplotlib.cbook  # noqa: F401
        import skimage.data  # noqa: F401
    except ImportError:
        return False
    return True


def source(name):
    """The full source photograph of ``name`` as an RGB image."""
    if name == "astronaut":
        from skimage import data

        return Image.fromarray(data.astronaut()).convert("RGB")
    if name == "grace_hopper":
        from matplotlib import cbook

        with cbook.get_sample_data("grace_hopper.jpg") as handle:
            return Image.open(handle).convert("RGB")
    raise KeyError(name)


def _oval_cutout(image, size):
    """``image`` resized to ``size`` with a soft oval mask (head and shoulders)."""
    image = image.resize(size, Image.Resampling.LANCZOS)
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    width, height = size
    # Head: an oval in the upper part; shoulders: a wide oval reaching the bottom edge.
    draw.ellipse((int(width * 0.14), int(height * 0.02), int(width * 0.86), int(height * 0.78)), fill=255)
    draw.ellipse((int(width * -0.05), int(height * 0.62), int(width * 1.05), int(height * 1.5)), fill=255)
    return image, mask.filter(ImageFilter.GaussianBlur(3))


def headshot(name, background=BLUE, size=(413, 531)):
    """A 证件照: head and shoulders of ``name`` on a plain ``background``."""
    person = PEOPLE[name]
    crop = source(name).crop(person.head_box)
    canvas = Image.new("RGB", size, background)
    width, height = size
    cut_w = int(width * 0.84)
    cut_h = int(cut_w * crop.height / crop.width)
    cut, mask = _oval_cutout(crop, (cut_w, cut_h))
    canvas.paste(cut, ((width - cut_w) // 2, height - cut_h), mask)
    return canvas


def id_card(name, size=(856, 540)):
    """An ID-card-like composite (人像面 layout): text lines on the left, the portrait on the right."""
    width, height = size
    card = Image.new("RGB", size, (236, 240, 236))
    draw = ImageDraw.Draw(card)
    # A faint guilloche-like pattern and the printed field labels as grey bars.
    for offset in range(-height, width, 18):
        draw.line((offset, height, offset + height, 0), fill=(226, 232, 228), width=2)
    for row, length in enumerate([0.22, 0.30, 0.34, 0.40, 0.40, 0.30]):
        top = int(height * (0.12 + row * 0.11))
        draw.rectangle((int(width * 0.06), top, int(width * 0.06 + width * 0.08), top + 16), fill=(120, 130, 140))
        draw.rectangle((int(width * 0.17), top, int(width * (0.17 + length)), top + 16), fill=(40, 40, 40))
    draw.rectangle((int(width * 0.06), int(height * 0.84), int(width * 0.94), int(height * 0.84) + 20), fill=(40, 40, 40))
    person = PEOPLE[name]
    portrait = source(name).crop(person.card_box)
    portrait_w = int(width * 0.30)
    portrait_h = int(portrait_w * portrait.height / portrait.width)
    portrait_h = min(portrait_h, int(height * 0.72))
    portrait = portrait.resize((portrait_w, portrait_h), Image.Resampling.LANCZOS)
    plate = Image.new("RGB", (portrait_w, portrait_h), (236, 240, 236))
    plate = Image.blend(plate, portrait, 0.92)
    card.paste(plate, (int(width * 0.64), int(height * 0.10)))
    return card


def handheld(name, card_name=None, width=900):
    """A half-body photo of ``name`` holding the ID card of ``card_name`` (default: their own)."""
    photo = source(name)
    photo = photo.resize((width, int(photo.height * width / photo.width)), Image.Resampling.LANCZOS)
    card_w = int(width * 0.45)
    card = id_card(card_name or name).resize((card_w, int(card_w * 540 / 856)), Image.Resampling.LANCZOS)
    card = card.convert("RGBA").rotate(4, expand=True, resample=Image.Resampling.BICUBIC)
    photo.paste(card, (int(width * 0.50), photo.height - card.height - int(width * 0.04)), card)
    return photo


def jpeg_bytes(image, quality=90):
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def submission_images(name, *, kind="new"):
    """The photos a candidate of ``kind`` uploads, as {slot: PIL image}."""
    photos = {"id_card": id_card(name), "handheld": handheld(name)}
    if kind == "new":
        photos = {"headshot": headshot(name), **photos}
    return photos
