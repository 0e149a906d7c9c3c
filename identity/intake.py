"""Server-side intake: turn an uploaded file into a clean JPEG, or refuse it with a Chinese message.

Nothing is stored here. ``normalise`` runs on every file of a submission
before any of them is saved, so a refused file leaves neither a row nor a file.
The original bytes are never kept: what is stored is a re-encoded JPEG with
the EXIF orientation applied and every metadata field (GPS, camera, ICC,
comments) dropped.
"""

import hashlib
import io
import math
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass

import imagehash
import numpy as np
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# "照片文件小于2M": a file of exactly 2 MiB is refused.
MAX_BYTES = 2 * 1024 * 1024
# Far below Pillow's default (~89 MP): a 2 MB photo never needs more, and a
# decompression bomb is refused from its header before anything is decoded.
MAX_PIXELS = 40_000_000
MIN_SIDE = 200
# Stored photos are at most this large (longest side); enough for an officer to read an ID card.
STORED_MAX_SIDE = 2000
JPEG_QUALITY = 90
# A form never has more than three photos; more file parts are not even buffered.
MAX_FILES_PER_REQUEST = 3

_SNIFFED = [
    (b"GIF87a", "GIF 动图"),
    (b"GIF89a", "GIF 动图"),
    (b"%PDF", "PDF 文档"),
    (b"PK\x03\x04", "压缩包"),
    (b"BM", "BMP 位图"),
    (b"II*\x00", "TIFF 图像"),
    (b"MM\x00*", "TIFF 图像"),
]


class PhotoRejected(Exception):
    """A file that cannot be accepted; ``message`` tells the candidate what to do."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class NormalisedPhoto:
    content: bytes
    width: int
    height: int
    sha256: str
    phash: str

    @property
    def size(self):
        return len(self.content)


def human_size(size):
    if size < 10 * 1024 * 1024:
        return f"{math.ceil(size / 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def check_size(size):
    if size == 0:
        raise PhotoRejected("文件是空的（0 字节），请重新选择照片。", "empty")
    if size >= MAX_BYTES:
        raise PhotoRejected(
            f"文件大小为 {human_size(size)}，超过了 2 MB 的限制。"
            "请用手机重新拍摄（可调低相机分辨率）或压缩后上传，照片文件须小于 2 MB。",
            "too_large",
        )


def sniff(data):
    """Name a known non-photo format from its first bytes (for a precise message), or None."""
    for magic, label in _SNIFFED:
        if data.startswith(magic):
            return label
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP 图像"
    if data[4:8] == b"ftyp" and data[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"avif"}:
        return "HEIC/AVIF 图像"
    text = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in data[:4096].lower()):
        return "SVG 矢量图"
    if text.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<script")):
        return "网页（HTML）文件"
    return None


def _wrong_format(label=None):
    if label:
        return PhotoRejected(f"该文件实际是{label}，不是照片。请上传 JPG 或 PNG 格式的照片。", "format")
    return PhotoRejected("无法识别该文件，只能上传 JPG 或 PNG 格式的照片。", "format")


def _too_many_pixels(width=None, height=None):
    size = f"（{width}×{height} 像素）" if width and height else ""
    return PhotoRejected(
        f"照片尺寸过大{size}，最多 4000 万像素。请缩小照片后上传，或直接用手机拍摄后上传。",
        "too_many_pixels",
    )


def _corrupt():
    return PhotoRejected("照片文件不完整或已损坏，无法打开。请重新拍摄或重新导出照片后上传。", "corrupt")


def _is_polyglot(data):
    """A file that is also a ZIP archive or a PDF: refused even though the picture part decodes."""
    if b"%PDF-" in data[:1024]:
        return True
    try:
        return zipfile.is_zipfile(io.BytesIO(data))
    except (OSError, ValueError, struct.error):
        return True


def _to_rgb(image):
    """Any JPEG / PNG mode to 8-bit RGB; transparency is flattened onto white."""
    mode = image.mode
    if mode in {"I;16", "I;16L", "I;16B", "I;16N", "I"}:
        values = np.asarray(image, dtype=np.float64)
        peak = 65535.0 if mode.startswith("I;16") or values.max() > 255 else 255.0
        grey = np.clip(values / peak * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    if mode == "F":
        return Image.fromarray(np.clip(np.asarray(image), 0, 255).astype(np.uint8)).convert("RGB")
    if mode in {"RGBA", "LA", "PA", "RGBa", "La"} or (mode in {"P", "L", "RGB"} and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def normalise(data):
    """Decode ``data`` completely and re-encode it as a clean JPEG, or raise PhotoRejected."""
    check_size(len(data))
    label = sniff(data)
    if label:
        raise _wrong_format(label)
    try:
        with warnings.catch_warnings():
            # Image.open reads the header only; our own, much lower limit is applied
            # right below, before anything is decoded (Pillow still raises its
            # DecompressionBombError for the most extreme sizes).
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["JPEG", "PNG"])
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _too_many_pixels(width, height)
        if min(width, height) < MIN_SIDE:
            raise PhotoRejected(
                f"照片太小（{width}×{height} 像素），无法看清。请上传短边不少于 {MIN_SIDE} 像素的清晰照片。",
                "too_small",
            )
        if _is_polyglot(data):
            raise PhotoRejected(
                "该文件除照片外还夹带了压缩包或文档等其他内容，无法接受。请直接上传手机或相机拍摄的照片。",
                "polyglot",
            )
        if image.format == "JPEG":
            # Decode at a reduced DCT scale when the stored copy is smaller anyway;
            # every byte of the stream is still decoded, so damage is still found.
            image.draft(image.mode, (STORED_MAX_SIDE, STORED_MAX_SIDE))
        # WeasyPrint sets this Pillow-wide flag to True when it is imported (the
        # transfer PDFs), after which a truncated photo would load silently padded
        # with grey. A photo must decode whole, whatever was imported before.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        image.load()
    except PhotoRejected:
        raise
    except UnidentifiedImageError:
        raise _wrong_format() from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error, IndexError, MemoryError):
        raise _corrupt() from None

    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, struct.error, KeyError, TypeError):
        pass  # unreadable EXIF: keep the picture as decoded; the metadata is dropped below anyway
    image = _to_rgb(image)
    if max(image.size) > STORED_MAX_SIDE:
        image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image from the pixels alone: no EXIF, GPS, ICC profile, comment or XMP can follow.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=JPEG_QUALITY)
    content = buffer.getvalue()
    return NormalisedPhoto(
        content=content,
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(content).hexdigest(),
        phash=str(imagehash.phash(clean)),
    )


def normalise_upload(uploaded):
    """``normalise`` for a Django UploadedFile; the size is judged before anything is read."""
    check_size(uploaded.size)
    uploaded.seek(0)
    return normalise(uploaded.read(MAX_BYTES + 1))


class BoundedUploadHandler(FileUploadHandler):
    """Keep at most 2 MiB + 1 byte of each uploaded file in memory, but count all of it.

    An oversize photo is then refused with its real size without ever being
    written to a temporary file, and a request cannot make the server hold
    more than a few megabytes.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.files_seen = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        if self.files_seen > MAX_FILES_PER_REQUEST:
            raise SkipFile()
        self.buffer = io.BytesIO()
        self.total = 0

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        room = MAX_BYTES + 1 - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer, self.field_name, self.file_name, self.content_type, self.total, self.charset,
            self.content_type_extra,
        )
