"""The automatic check pipeline: faces, same person, background, sharpness, duplicates,
and the ID number printed on the card against the registered one.

Runs on a Celery worker (identity.tasks), never in a web request: dlib's face
encodings are slow and its models are loaded once per process (figures in
docs/identity-checks.md).

Every check returns a ``Check`` with the measured value and the threshold it was
judged against. The thresholds below were chosen from measurements on real
photos; the numbers and the reasoning are in docs/identity-checks.md and can be
re-measured with ``scripts/bench_identity.py --measure``.
"""

import hashlib
import io
import logging
import threading
import time
import warnings
from dataclasses import dataclass, field

import imagehash
import numpy as np
from PIL import Image

logger = logging.getLogger(__name__)

PASSED, FAILED, UNCERTAIN = "passed", "failed", "uncertain"
# A check that could not measure anything (the number on the card is unreadable):
# it neither blocks nor approves; the other checks decide.
NO_VERDICT = "no_verdict"

# --- thresholds (see docs/identity-checks.md for the measurements) -------------
# Photos are examined at most this large (longest side, px); JPEG draft decoding
# makes the reduction nearly free. The ID card keeps more pixels: its portrait
# is small and dlib's HOG finds faces from about 80 px without upsampling.
WORKING_SIDE = {"headshot": 800, "id_card": 1000, "handheld": 800}
# dlib HOG detection score: dlib's own default. With upsampling 0 the strongest
# false detection we measured (on the astronaut's mission patch) scores -0.05.
FACE_MIN_SCORE = 0.5
# Face-encoding distance (Euclidean, 128-d): same person at or below PASS,
# different person above FAIL, in between an officer looks.
SAME_PERSON_PASS = 0.40
SAME_PERSON_FAIL = 0.60
# Fraction of the headshot's border that is plain blue / white / light grey.
BACKGROUND_PASS = 0.90
BACKGROUND_FAIL = 0.70
# Variance of the Laplacian (grey levels²) over the face box at working size.
SHARPNESS_PASS = 60.0
SHARPNESS_FAIL = 25.0
# Perceptual-hash (64-bit pHash) Hamming distance: the same picture.
SAME_PICTURE_MAX = 10
REUSED_HEADSHOT_MAX = 8

SLOT_LABELS = {"headshot": "免冠照", "id_card": "身份证照片", "handheld": "手持身份证照"}


@dataclass
class Check:
    name: str
    subject: str  # a slot, or "handheld:id_card" for a pair
    outcome: str
    value: float | None
    threshold: str
    detail: str = ""
    reason: str = ""  # shown to the candidate when the check failed: what is wrong and what to do

    @property
    def failed(self):
        return self.outcome == FAILED


@dataclass
class Face:
    box: tuple  # left, top, right, bottom in the working image
    score: float
    encoding: np.ndarray | None = None

    @property
    def area(self):
        return (self.box[2] - self.box[0]) * (self.box[3] - self.box[1])


@dataclass
class Photo:
    slot: str
    rgb: np.ndarray
    faces: list = field(default_factory=list)
    orientation: int = 0  # degrees the photo had to be turned for a face to be found

    @property
    def subject(self):
        """The largest face: the candidate on the handheld photo, the portrait on the card."""
        return max(self.faces, key=lambda face: (face.area, face.score)) if self.faces else None


# --- the face engine: dlib models, loaded once per process --------------------
class FaceEngine:
    def __init__(self):
        import dlib

        with warnings.catch_warnings():
            # face-recognition-models still imports pkg_resources (setuptools is pinned for it).
            warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
            import face_recognition_models as models

        self._dlib = dlib
        self.detector = dlib.get_frontal_face_detector()
        self.landmarks = dlib.shape_predictor(models.pose_predictor_five_point_model_location())
        self.encoder = dlib.face_recognition_model_v1(models.face_recognition_model_location())
        # dlib objects are not documented as thread-safe; eager tasks may run in
        # several web threads at once.
        self.lock = threading.Lock()

    def detect(self, rgb, upsample=0):
        with self.lock:
            boxes, scores, _ = self.detector.run(rgb, upsample, 0.0)
        return [
            Face(box=(b.left(), b.top(), b.right(), b.bottom()), score=float(s))
            for b, s in zip(boxes, scores, strict=True)
            if s >= FACE_MIN_SCORE
        ]

    def encode(self, rgb, face):
        left, top, right, bottom = face.box
        rect = self._dlib.rectangle(left, top, right, bottom)
        with self.lock:
            shape = self.landmarks(rgb, rect)
            return np.array(self.encoder.compute_face_descriptor(rgb, shape))


_engine = None
_engine_lock = threading.Lock()


def get_engine():
    """The process's FaceEngine, or None if the models cannot be loaded (never auto-approve then)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                try:
                    started = time.perf_counter()
                    _engine = FaceEngine()
                    logger.info("identity: face engine loaded in %.2f s", time.perf_counter() - started)
                except Exception:  # noqa: BLE001 — any failure means "no engine"; the pipeline copes
                    logger.exception("identity: face engine could not be loaded")
                    return None
    return _engine


# --- image helpers ---------------------------------------------------------------
def load_rgb(data, max_side=1000):
    """Decode a stored (already normalised) JPEG at most ``max_side`` large, as an RGB array."""
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (max_side, max_side))
    image = image.convert("RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    return np.asarray(image)


def laplacian_variance(grey):
    """Variance of the 4-neighbour Laplacian of a 2-D float array."""
    lap = (
        grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:] - 4.0 * grey[1:-1, 1:-1]
    )
    return float(lap.var())


def to_grey(rgb):
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def sharpness(photo):
    """Variance of the Laplacian on the face (at working size), or on the whole photo without a face.

    Measured on the face because a 证件照 is mostly flat background and an ID
    card mostly flat print; the face is what an officer must recognise.
    """
    rgb = photo.rgb
    face = photo.subject
    if face is not None:
        height, width = rgb.shape[:2]
        left, top, right, bottom = face.box
        patch = rgb[max(top, 0) : min(bottom, height), max(left, 0) : min(right, width)]
        if min(patch.shape[:2]) >= 16:
            rgb = patch
    return laplacian_variance(to_grey(rgb.astype(np.float64)))


def border_pixels(rgb):
    """Pixels of the headshot's border: the top band and the upper parts of both sides (not the shoulders)."""
    height, width = rgb.shape[:2]
    band_h, band_w = max(1, height // 12), max(1, width // 12)
    lower = int(height * 0.55)
    regions = [rgb[:band_h, :], rgb[band_h:lower, :band_w], rgb[band_h:lower, width - band_w :]]
    return np.concatenate([region.reshape(-1, 3) for region in regions])


def plain_background_fraction(rgb):
    """Share of border pixels that are plain blue, white or light grey (证件照 backgrounds)."""
    pixels = border_pixels(rgb)
    hsv = np.asarray(Image.fromarray(pixels.reshape(1, -1, 3)).convert("HSV")).reshape(-1, 3).astype(int)
    hue, sat, val = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    # Pillow's HSV: all channels 0..255; hue 130..175 is 183°..247° (sky to royal blue).
    blue = (hue >= 130) & (hue <= 175) & (sat >= 60) & (val >= 90)
    white_or_grey = (sat <= 40) & (val >= 150)
    return float((blue | white_or_grey).mean())


def phash(rgb_or_image):
    image = rgb_or_image if isinstance(rgb_or_image, Image.Image) else Image.fromarray(rgb_or_image)
    return str(imagehash.phash(image))


def hash_distance(first, second):
    return int(imagehash.hex_to_hash(first) - imagehash.hex_to_hash(second))


# --- the checks ------------------------------------------------------------------
def find_faces(engine, photo, *, allow_rotation):
    """Detect at upsampling 0, then 1 for small faces; a card may also lie sideways."""
    faces = engine.detect(photo.rgb, 0) or engine.detect(photo.rgb, 1)
    if not faces and allow_rotation:
        for turns in (1, 3, 2):
            turned = np.ascontiguousarray(np.rot90(photo.rgb, turns))
            faces = engine.detect(turned, 0)
            if faces:
                photo.rgb, photo.orientation = turned, 90 * turns
                break
    photo.faces = faces
    return faces


def face_count_check(photo):
    label = SLOT_LABELS[photo.slot]
    count = len(photo.faces)
    scores = "，".join(f"{face.score:.2f}" for face in photo.faces) or "无"
    detail = f"检测到 {count} 张人脸（检测得分：{scores}）"
    if photo.orientation:
        detail += f"；照片旋转 {photo.orientation}° 后检出"
    if photo.slot == "headshot":
        threshold = "恰好 1 张"
        if count == 1:
            return Check("face_count", photo.slot, PASSED, count, threshold, detail)
        if count == 0:
            reason = f"{label}中未检测到人脸，请在光线充足处正面拍摄，露出完整面部，不要戴帽子或墨镜。"
        else:
            reason = f"{label}中检测到多张人脸，请上传只有您本人的免冠正面照片。"
        return Check("face_count", photo.slot, FAILED, count, threshold, detail, reason)
    threshold = "至少 1 张"
    if count >= 1:
        return Check("face_count", photo.slot, PASSED, count, threshold, detail)
    if photo.slot == "id_card":
        reason = "身份证照片中未检测到人像，请拍摄身份证人像面，保证人像清晰、无反光、无遮挡。"
    else:
        reason = "手持身份证照中未检测到人脸，请在光线充足处拍摄半身照，面部和身份证都要清晰可见。"
    return Check("face_count", photo.slot, FAILED, count, threshold, detail, reason)


def same_person_check(engine, first, second):
    subject = f"{first.slot}:{second.slot}"
    threshold = f"≤{SAME_PERSON_PASS:.2f} 通过；{SAME_PERSON_PASS:.2f}–{SAME_PERSON_FAIL:.2f} 人工审核；>{SAME_PERSON_FAIL:.2f} 不通过"
    if first.subject is None or second.subject is None:
        return Check("same_person", subject, UNCERTAIN, None, threshold, "缺少人脸，无法比对")
    for photo in (first, second):
        if photo.subject.encoding is None:
            photo.subject.encoding = engine.encode(photo.rgb, photo.subject)
    distance = float(np.linalg.norm(first.subject.encoding - second.subject.encoding))
    detail = f"人脸特征距离 {distance:.3f}"
    if distance <= SAME_PERSON_PASS:
        return Check("same_person", subject, PASSED, distance, threshold, detail)
    if distance <= SAME_PERSON_FAIL:
        return Check("same_person", subject, UNCERTAIN, distance, threshold, detail + "，介于两个阈值之间")
    reason = (
        f"{SLOT_LABELS[first.slot]}与{SLOT_LABELS[second.slot]}中的人像不像同一人。"
        "请确认所有照片都是您本人，手持的是您本人的身份证，并重新拍摄清晰的正面照片。"
    )
    return Check("same_person", subject, FAILED, distance, threshold, detail, reason)


def background_check(photo):
    fraction = plain_background_fraction(photo.rgb)
    threshold = f"≥{BACKGROUND_PASS:.0%} 通过；{BACKGROUND_FAIL:.0%}–{BACKGROUND_PASS:.0%} 人工审核"
    detail = f"边缘区域中纯蓝/白/浅灰像素占 {fraction:.1%}"
    if fraction >= BACKGROUND_PASS:
        return Check("background", photo.slot, PASSED, fraction, threshold, detail)
    if fraction >= BACKGROUND_FAIL:
        return Check("background", photo.slot, UNCERTAIN, fraction, threshold, detail)
    reason = "免冠照的背景须为纯蓝色、白色或浅灰色，请在单色墙面前拍摄或到照相馆拍摄证件照。"
    return Check("background", photo.slot, FAILED, fraction, threshold, detail, reason)


def sharpness_check(photo):
    value = sharpness(photo)
    threshold = f"≥{SHARPNESS_PASS:g} 通过；{SHARPNESS_FAIL:g}–{SHARPNESS_PASS:g} 人工审核"
    where = "人脸区域" if photo.subject is not None else "整幅照片"
    detail = f"{where}拉普拉斯方差 {value:.1f}"
    if value >= SHARPNESS_PASS:
        return Check("sharpness", photo.slot, PASSED, value, threshold, detail)
    if value >= SHARPNESS_FAIL:
        return Check("sharpness", photo.slot, UNCERTAIN, value, threshold, detail)
    reason = f"{SLOT_LABELS[photo.slot]}不够清晰，请对准焦点、保持手机稳定，在光线充足处重新拍摄。"
    return Check("sharpness", photo.slot, FAILED, value, threshold, detail, reason)


def same_picture_checks(hashes, digests):
    """The same picture must not be used for two slots (exact bytes or a near-identical copy)."""
    checks = []
    slots = list(hashes)
    for index, first in enumerate(slots):
        for second in slots[index + 1 :]:
            subject = f"{first}:{second}"
            distance = hash_distance(hashes[first], hashes[second])
            threshold = f"感知哈希距离 >{SAME_PICTURE_MAX}"
            identical = digests[first] == digests[second]
            if identical or distance <= SAME_PICTURE_MAX:
                detail = "两张照片文件完全相同" if identical else f"感知哈希距离 {distance}，是同一张照片"
                reason = (
                    f"{SLOT_LABELS[first]}和{SLOT_LABELS[second]}是同一张照片，"
                    "请按每一项的要求分别拍摄后上传。"
                )
                checks.append(Check("same_picture", subject, FAILED, distance, threshold, detail, reason))
            else:
                checks.append(Check("same_picture", subject, PASSED, distance, threshold, f"感知哈希距离 {distance}"))
    return checks


def reused_headshot_check(headshot_hash, other_hashes):
    """Compare with headshots of other candidates: a match never rejects, an officer decides.

    ``other_hashes`` is a list of (submission_id, hex hash).
    """
    threshold = f"感知哈希距离 >{REUSED_HEADSHOT_MAX}"
    if not other_hashes:
        return Check("reused_headshot", "headshot", PASSED, None, threshold, "没有其他考生的免冠照可比对")
    mine = int(headshot_hash, 16)
    values = np.array([int(value, 16) for _, value in other_hashes], dtype=np.uint64)
    xor = np.bitwise_xor(values, np.uint64(mine))
    distances = np.unpackbits(xor.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)
    nearest = int(distances.argmin())
    distance = int(distances[nearest])
    if distance <= REUSED_HEADSHOT_MAX:
        other = other_hashes[nearest][0]
        detail = f"与第 {other} 号验证申请（另一考生）的免冠照感知哈希距离 {distance}，疑似同一张照片"
        return Check("reused_headshot", "headshot", UNCERTAIN, distance, threshold, detail)
    return Check("reused_headshot", "headshot", PASSED, distance, threshold, f"与其他考生免冠照的最小距离 {distance}")


ID_NUMBER_MISMATCH = "身份证照片上的号码与注册的身份证号不一致"
ID_NUMBER_THRESHOLD = "与注册号码不同的位数 = 0（只采信 18 位且校验位正确的识别结果）"


def id_number_check(card_image, registered, *, engine=None):
    """Compare the number read from the ID-card photo with the registered one.

    Same → passed; a valid but different number → uncertain (an officer looks:
    someone else's card, or a typo at registration); unreadable → no verdict.
    Only a masked form of the reading is kept: officers compare it with the photo.
    """
    from identity import idcard_ocr
    from zikao.idnumbers import mask_id_number

    if engine is None:
        engine = idcard_ocr.get_engine()
    if engine is None:
        detail = "号码无法识别：文字识别引擎（tesseract）无法加载，未比对号码"
        return Check("id_number", "id_card", NO_VERDICT, None, ID_NUMBER_THRESHOLD, detail)
    try:
        reading = idcard_ocr.read_id_number(card_image, engine=engine)
    except Exception:  # noqa: BLE001 — a reader failure must never decide; the face checks still do
        logger.exception("identity: reading the ID number failed")
        return Check("id_number", "id_card", NO_VERDICT, None, ID_NUMBER_THRESHOLD, "号码无法识别：识别过程出错")
    if not reading.readable:
        return Check("id_number", "id_card", NO_VERDICT, None, ID_NUMBER_THRESHOLD, f"号码无法识别（{reading.note}）")
    masked = mask_id_number(reading.number)
    if reading.number == registered:
        return Check("id_number", "id_card", PASSED, 0, ID_NUMBER_THRESHOLD, f"照片上的号码 {masked} 与注册的身份证号一致")
    differ = [str(index) for index, (a, b) in enumerate(zip(reading.number, registered, strict=False), 1) if a != b]
    detail = (
        f"{ID_NUMBER_MISMATCH}：照片上识别出 {masked}，第 {'、'.join(differ) or '?'} 位与注册的号码不同。"
        "请核对身份证照片与考生注册信息。"
    )
    return Check("id_number", "id_card", UNCERTAIN, len(differ), ID_NUMBER_THRESHOLD, detail)


def engine_unavailable_checks(slots):
    detail = "人脸识别引擎无法加载，未做人脸检查，须人工审核"
    return [Check("face_engine", ",".join(slots), UNCERTAIN, None, "引擎可用", detail)]


def run_pipeline(
    images, *, hashes=None, digests=None, other_headshots=(), engine=None, id_number=None, text_engine=None
):
    """Run every check on ``images`` ({slot: stored JPEG bytes}); returns a list of Check.

    ``hashes`` / ``digests``: the stored pHash / SHA-256 per slot (computed here if absent).
    ``other_headshots``: (submission_id, pHash) of other candidates' headshots.
    ``engine``: a FaceEngine; by default the process's (None if it cannot load).
    ``id_number``: the registered ID number, compared with the one on the ID card (skipped if None).
    ``text_engine``: an idcard_ocr.TextEngine; by default the process's.
    """
    engine = engine if engine is not None else get_engine()
    photos = {slot: Photo(slot, load_rgb(data, WORKING_SIDE[slot])) for slot, data in images.items()}
    hashes = hashes or {slot: phash(Image.open(io.BytesIO(data))) for slot, data in images.items()}
    digests = digests or {slot: hashlib.sha256(data).hexdigest() for slot, data in images.items()}
    checks = []
    if engine is None:
        checks.extend(engine_unavailable_checks(list(photos)))
    else:
        for photo in photos.values():
            find_faces(engine, photo, allow_rotation=photo.slot == "id_card")
            checks.append(face_count_check(photo))
        if "handheld" in photos:
            for other in ("id_card", "headshot"):
                if other in photos:
                    checks.append(same_person_check(engine, photos["handheld"], photos[other]))
    if "headshot" in photos:
        checks.append(background_check(photos["headshot"]))
    for photo in photos.values():
        checks.append(sharpness_check(photo))
    checks.extend(same_picture_checks(hashes, digests))
    if "headshot" in photos:
        checks.append(reused_headshot_check(hashes["headshot"], list(other_headshots)))
    if id_number and "id_card" in photos:
        # The working image, turned upright if the card lay sideways for face detection.
        card = Image.fromarray(photos["id_card"].rgb)
        checks.append(id_number_check(card, id_number, engine=text_engine))
    return checks


# Suspicions of someone else's identity: an officer decides even if other checks failed.
ALWAYS_TO_OFFICER = ("reused_headshot", "id_number")


def review_notes(checks):
    """Why the checks refer a submission to an officer, for the audit trail (the officer reads them)."""
    return [ID_NUMBER_MISMATCH for check in checks if check.name == "id_number" and check.outcome == UNCERTAIN]


def decide(checks):
    """approved / rejected / needs_review from the checks (see docs/identity-checks.md).

    A headshot that another candidate already used, or an ID card showing
    another number than the registered one, always goes to an officer;
    otherwise any failure rejects (the candidate can fix it and upload again),
    any uncertainty (including a face engine that could not load) goes to an
    officer, and only a clean sheet approves. A check without a verdict (an
    unreadable number) counts neither way.
    """
    if any(check.name in ALWAYS_TO_OFFICER and check.outcome == UNCERTAIN for check in checks):
        return "needs_review"
    if any(check.failed for check in checks):
        return "rejected"
    if any(check.outcome == UNCERTAIN for check in checks):
        return "needs_review"
    return "approved"
