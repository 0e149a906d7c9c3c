"""Read the 18-character 公民身份号码 from a photo of the ID card's 人像面.

Tesseract reads the text: the tesserocr binding runs it in-process with
Debian's English model (``tesseract-ocr-eng``, installed with ``tesseract-ocr``),
loaded once per worker process: starting the ``tesseract`` program for every
photo costs 0.3 s of CPU in loading alone. It reads lines, not a whole photo
quickly or reliably, so the photo is prepared first:

1. decode at most ``WORKING_WIDTH`` px wide, in grey;
2. flatten uneven light (divide by a blurred estimate of the paper) and stretch contrast;
3. deskew: the angle (±12°) whose horizontal projection of the dark pixels is sharpest;
4. locate the number line: on the fixed card layout it is a long, thin run of
   characters along the bottom, clear of the label to its left and the portrait above;
5. read each candidate line (lowest first) as one line of ``0-9X``.

A reading counts only if it is exactly 18 characters and a valid GB 11643
number (province, birth date, check digit): a misread digit almost always
breaks the check digit, so a wrong number is very unlikely to be accepted, and
anything less is "unreadable", which decides nothing. The measured read rate,
wrong-number rate and time are in docs/identity-checks.md
(``scripts/ocr_cards.py``).

The number itself is personal data: it is returned to the caller, never logged.
"""

import io
import logging
import os
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from PIL import Image, ImageFilter, ImageOps
from scipy import ndimage

from zikao.idnumbers import parse_id_number

logger = logging.getLogger(__name__)

WORKING_WIDTH = 1000
# Deskew search: ±MAX_SKEW° in COARSE_STEP steps, then ±COARSE_STEP in FINE_STEP steps.
MAX_SKEW, COARSE_STEP, FINE_STEP = 12.0, 1.0, 0.25
# Grey level (0–255, after flattening: paper ≈ 255) below which a pixel is ink.
INK_LEVEL = 150
# Text height the line crop is scaled to before Tesseract reads it (its sweet spot is 30–40 px).
READ_HEIGHT = 40
MAX_CANDIDATE_LINES = 3
# Debian's tesseract-ocr-eng puts the model here; TESSDATA_PREFIX (Tesseract's own variable) overrides it.
DEBIAN_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"
WHITELIST = "0123456789X"


@dataclass
class Reading:
    number: str  # the valid 18-character number, or "" when unreadable
    lines_tried: int
    seconds: float
    note: str = ""  # why nothing was read (for officers; never contains a number)

    @property
    def readable(self):
        return bool(self.number)


class TextEngine:
    """One Tesseract instance reading single lines of 0-9X; not thread-safe, hence the lock."""

    def __init__(self):
        import tesserocr

        path = os.environ.get("TESSDATA_PREFIX") or DEBIAN_TESSDATA
        self.api = tesserocr.PyTessBaseAPI(
            path=path, lang="eng", psm=tesserocr.PSM.SINGLE_LINE, oem=tesserocr.OEM.LSTM_ONLY
        )
        self.api.SetVariable("tessedit_char_whitelist", WHITELIST)
        self.lock = threading.Lock()

    def read_line(self, image):
        with self.lock:
            self.api.SetImage(image)
            return self.api.GetUTF8Text()


_engine = None
_engine_lock = threading.Lock()


def get_engine():
    """The process's TextEngine, or None if Tesseract or its English model is missing."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                try:
                    started = time.perf_counter()
                    _engine = TextEngine()
                    logger.info("identity: text engine loaded in %.2f s", time.perf_counter() - started)
                except Exception:  # noqa: BLE001 — any failure means "no engine"; the check then decides nothing
                    logger.exception("identity: text engine (tesseract) could not be loaded")
                    return None
    return _engine


def read_id_number(data, *, engine=None):
    """Read the ID number from ``data`` (JPEG/PNG bytes or a PIL image); a ``Reading``.

    ``engine``: a TextEngine, by default the process's; raises RuntimeError if none can be loaded.
    """
    engine = engine or get_engine()
    if engine is None:
        raise RuntimeError("tesseract is not available")
    started = time.perf_counter()
    image = data if isinstance(data, Image.Image) else _decode(data)
    grey = _working_grey(image)
    flat = flatten_light(grey)
    angle = estimate_skew(flat < INK_LEVEL)
    if angle:
        flat = np.asarray(
            Image.fromarray(flat).rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
        )
    lines = number_line_candidates(flat)
    tried = 0
    for box in lines[:MAX_CANDIDATE_LINES]:
        tried += 1
        text = engine.read_line(line_image(flat, box))
        number = valid_number(text)
        if number:
            return Reading(number, tried, time.perf_counter() - started)
    note = "未找到号码所在的行" if not lines else f"识别了 {tried} 行，没有得到 18 位有效号码"
    return Reading("", tried, time.perf_counter() - started, note)


def valid_number(text):
    """``text`` as an ID number if it is exactly 18 characters and valid under GB 11643, else ""."""
    candidate = "".join(text.split()).upper()
    if len(candidate) != 18:
        return ""
    try:
        return parse_id_number(candidate).number
    except ValidationError:
        return ""


# --- preparation ---------------------------------------------------------------------
def _decode(data):
    image = Image.open(io.BytesIO(data))
    image.draft("L", (WORKING_WIDTH * 2, WORKING_WIDTH * 2))
    return image


def _working_grey(image):
    grey = ImageOps.exif_transpose(image).convert("L")
    if grey.width > WORKING_WIDTH:
        grey = grey.resize((WORKING_WIDTH, max(1, round(grey.height * WORKING_WIDTH / grey.width))), Image.Resampling.BOX)
    return grey


def flatten_light(grey):
    """Divide by a blurred estimate of the paper's brightness: shading and glare gradients go, ink stays dark."""
    small = grey.resize((max(1, grey.width // 16), max(1, grey.height // 16)), Image.Resampling.BOX)
    # The local maximum is the paper around the ink, not the ink itself.
    paper = small.filter(ImageFilter.MaxFilter(3)).filter(ImageFilter.GaussianBlur(1))
    paper = np.asarray(paper.resize(grey.size, Image.Resampling.BILINEAR), dtype=np.float32)
    flat = np.asarray(grey, dtype=np.float32) / np.maximum(paper, 1.0) * 255.0
    flat = np.clip(flat, 0, 255)
    # Stretch contrast: the darkest percent of pixels to black.
    low = float(np.percentile(flat, 1))
    if low < 200:
        flat = (flat - low) * (255.0 / (255.0 - low))
    return np.clip(flat, 0, 255).astype(np.uint8)


def _projection_sharpness(mask_image, angle):
    rows = np.asarray(mask_image.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32).sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(ink):
    """The rotation (degrees, counter-clockwise) that makes the text lines of ``ink`` horizontal."""
    height, width = ink.shape
    side = 400
    mask = Image.fromarray((ink * 255).astype(np.uint8)).resize(
        (side, max(1, round(height * side / width))), Image.Resampling.BOX
    )
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-6, COARSE_STEP)
    best = max(coarse, key=lambda angle: _projection_sharpness(mask, angle))
    fine = np.arange(best - COARSE_STEP, best + COARSE_STEP + 1e-6, FINE_STEP)
    best = max(fine, key=lambda angle: _projection_sharpness(mask, angle))
    return round(float(best), 2)


def number_line_candidates(flat):
    """Boxes (left, top, right, bottom) of long thin runs of characters, lowest first.

    Characters are joined horizontally into runs; the number (18 characters,
    about 14 times as long as high) is the lowest such run on the card.
    """
    height, width = flat.shape
    ink = flat < INK_LEVEL
    join = max(3, round(width * 0.025))
    # A horizontal closing (dilate, then erode) by running max / min filters: linear time.
    runs = ndimage.minimum_filter1d(ndimage.maximum_filter1d(ink.view(np.uint8), join, axis=1), join, axis=1)
    labels, _ = ndimage.label(runs)
    boxes = []
    for slices in ndimage.find_objects(labels):
        rows, cols = slices
        box_h, box_w = rows.stop - rows.start, cols.stop - cols.start
        if not (width * 0.012 <= box_h <= width * 0.08 and box_w >= width * 0.2):
            continue
        if not 7 <= box_w / box_h <= 30:
            continue
        boxes.append((cols.start, rows.start, cols.stop, rows.stop))
    return sorted(boxes, key=lambda box: -box[3])


def line_image(flat, box):
    """The line in ``box`` with a margin, scaled to the text height Tesseract reads best."""
    left, top, right, bottom = box
    pad = max(2, (bottom - top) // 3)
    crop = Image.fromarray(flat).crop((left - pad, top - pad, right + pad, bottom + pad))
    scale = READ_HEIGHT / max(1, bottom - top)
    return crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.Resampling.BICUBIC)
