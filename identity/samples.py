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

import numpy as np
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


# --- ID cards with printed text and number, photographed ----------------------------
# The 人像面 layout of the second-generation resident ID card (85.6 × 54 mm), as
# fractions of the card's width and height: labels on the left, the portrait on the
# right, the 18-character number along the bottom in an OCR-B-like typeface.
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
NUMBER_FONTS = [
    "/usr/share/fonts/opentype/ocr-b/OCRB.otf",  # Debian fonts-ocr-b
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",  # fallback: a monospace sans
]
LABEL_BLUE = (52, 110, 170)
INK = (25, 25, 25)


def _font(paths, size):
    from PIL import ImageFont

    for path in paths if isinstance(paths, list) else [paths]:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    raise OSError(f"none of the fonts {paths} is installed")


def printed_id_card(name, id_number, *, full_name="张伟", address=("山西省太原市小店区", "平阳路街道长风街12号"), width=856):
    """An ID card's 人像面 with the holder's name, address and ``id_number`` printed as on the real card."""
    height = round(width * 54 / 85.6)
    card = Image.new("RGB", (width, height), (238, 241, 236))
    draw = ImageDraw.Draw(card)
    for offset in range(-height, width, max(8, width // 48)):
        draw.line((offset, height, offset + height, 0), fill=(229, 234, 230), width=max(1, width // 430))
    draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=width // 28, outline=(205, 210, 205), width=2)

    label_font = _font(CJK_FONT, round(height * 0.045))
    value_font = _font(CJK_FONT, round(height * 0.055))
    number_font = _font(NUMBER_FONTS, round(height * 0.062))
    left, value_left = width * 0.06, width * 0.17
    birth = f"{int(id_number[6:10])}  年  {int(id_number[10:12])}  月  {int(id_number[12:14])}  日"
    gender = "男" if int(id_number[16]) % 2 else "女"
    rows = [
        (0.10, "姓  名", full_name),
        (0.22, "性  别", f"{gender}      民  族   汉"),
        (0.34, "出  生", birth),
        (0.46, "住  址", address[0]),
        (0.56, "", address[1] if len(address) > 1 else ""),
    ]
    for top, label, value in rows:
        if label:
            draw.text((left, height * top + height * 0.008), label, font=label_font, fill=LABEL_BLUE)
        draw.text((value_left, height * top), value, font=value_font, fill=INK)
    draw.text((left, height * 0.835), "公民身份号码", font=label_font, fill=LABEL_BLUE)
    draw.text((width * 0.33, height * 0.82), id_number, font=number_font, fill=INK)

    person = PEOPLE[name]
    portrait = source(name).crop(person.card_box)
    box_w, box_h = round(width * 0.29), round(height * 0.62)
    portrait = portrait.resize((box_w, round(box_w * portrait.height / portrait.width)), Image.Resampling.LANCZOS)
    portrait = portrait.crop((0, 0, box_w, min(box_h, portrait.height)))
    plate = Image.blend(Image.new("RGB", portrait.size, (238, 241, 236)), portrait, 0.92)
    card.paste(plate, (round(width * 0.63), round(height * 0.11)))
    return card


def photographed(card, *, width=1200, angle=0.0, tilt=0.0, blur=0.0, light=0.0, background=(96, 84, 70), margin=0.08):
    """``card`` as a phone photographs it: on a table, turned by ``angle``°, in perspective, blurred, lit unevenly.

    ``tilt``: how much farther the card's top edge is than its bottom (0 … 0.15);
    ``light``: depth of a left-to-right shading (0 … 0.6); the photo is ``width`` px wide.
    """
    card = card.convert("RGB")
    card_w = round(width * (1 - 2 * margin))
    card = card.resize((card_w, round(card_w * card.height / card.width)), Image.Resampling.LANCZOS)
    if tilt:
        # Perspective: the top edge is narrower than the bottom one.
        w, h = card.size
        inset = w * tilt / 2
        coeffs = _perspective_coefficients(
            [(inset, 0), (w - inset, 0), (w, h), (0, h)], [(0, 0), (w, 0), (w, h), (0, h)]
        )
        rgba = card.convert("RGBA").transform((w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    else:
        rgba = card.convert("RGBA")
    rgba = rgba.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    height = round(max(rgba.height / (1 - 2 * margin), width * 0.75))
    photo = Image.new("RGB", (width, height), background)
    noise = Image.effect_noise((width, height), 18).convert("RGB")
    photo = Image.blend(photo, noise, 0.08)
    photo.paste(rgba, ((width - rgba.width) // 2, (height - rgba.height) // 2), rgba)
    if light:
        ramp = np.linspace(1.0 - light, 1.0, width)[None, :, None]
        ramp = ramp * np.linspace(1.0 - light / 3, 1.0, height)[:, None, None]
        photo = Image.fromarray((np.asarray(photo) * ramp).clip(0, 255).astype(np.uint8))
    if blur:
        photo = photo.filter(ImageFilter.GaussianBlur(blur))
    return photo


def _perspective_coefficients(source_points, target_points):
    """Coefficients for Image.transform(PERSPECTIVE) mapping ``target_points`` back onto ``source_points``."""
    rows = []
    for (x, y), (u, v) in zip(target_points, source_points, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    matrix = np.array(rows, dtype=float)
    vector = np.array([coord for point in source_points for coord in point], dtype=float)
    return np.linalg.solve(matrix, vector).tolist()
