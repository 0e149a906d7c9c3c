"""Server-side intake: the hostile-file corpus, one test each, plus what is (not) kept of a good photo."""

import io
import struct
import zipfile
import zlib

import numpy as np
import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from identity.intake import MAX_BYTES, PhotoRejected, normalise
from identity.models import IdentityPhoto, IdentitySubmission
from tests.factories import CandidateFactory
from tests.identity.helpers import jpeg, stored_files, upload


def good_jpeg(size=(640, 480), color=(120, 140, 160)):
    image = Image.new("RGB", size, color)
    # Some structure, so that the JPEG is a real photo-like file.
    pixels = np.asarray(image).copy()
    pixels[::7, :, :] = 30
    return jpeg(Image.fromarray(pixels))


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width=12000, height=12000):
    """A real decompression bomb: 144 megapixels of zeros in ~140 KB."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def jpeg_claiming(width, height):
    """A small JPEG whose frame header claims ``width`` × ``height`` pixels."""
    data = bytearray(good_jpeg((320, 240)))
    index = data.index(b"\xff\xc0")  # SOF0: length(2) precision(1) height(2) width(2)
    data[index + 5 : index + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def refused(data):
    with pytest.raises(PhotoRejected) as caught:
        normalise(data)
    return caught.value


# --- refused files: each gets its own clear Chinese message ------------------------------------
def test_zero_byte_file_is_refused():
    error = refused(b"")
    assert error.code == "empty"
    assert "文件是空的" in error.message


def test_truncated_jpeg_is_refused_after_full_decode():
    data = good_jpeg((800, 600))
    error = refused(data[: len(data) // 2])
    assert error.code == "corrupt"
    assert "不完整或已损坏" in error.message


def test_truncated_jpeg_is_refused_even_after_weasyprint_was_imported(monkeypatch):
    # Importing WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the
    # process (the transfer PDFs do that); a truncated photo must still fail.
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = good_jpeg((800, 600))
    assert refused(data[: len(data) // 2]).code == "corrupt"


def test_file_of_two_mib_plus_one_byte_is_refused_with_its_size():
    error = refused(b"\xff\xd8\xff" + b"\x00" * (MAX_BYTES + 1 - 3))
    assert error.code == "too_large"
    assert "2049 KB" in error.message and "小于 2 MB" in error.message


def test_file_of_exactly_two_mib_is_refused_smaller_than_means_smaller():
    assert refused(b"\xff\xd8\xff" + b"\x00" * (MAX_BYTES - 3)).code == "too_large"


def test_gif_renamed_jpg_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (10, 200, 10)).save(buffer, "GIF")
    error = refused(buffer.getvalue())
    assert error.code == "format"
    assert "GIF" in error.message and "JPG 或 PNG" in error.message


def test_webp_renamed_jpg_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (10, 200, 10)).save(buffer, "WEBP")
    error = refused(buffer.getvalue())
    assert error.code == "format"
    assert "WebP" in error.message


def test_svg_renamed_jpg_is_refused():
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><script>alert(1)</script></svg>'
    error = refused(svg)
    assert error.code == "format"
    assert "SVG" in error.message


def test_pdf_renamed_jpg_is_refused():
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    error = refused(pdf)
    assert error.code == "format"
    assert "PDF" in error.message


def test_html_renamed_jpg_is_refused():
    error = refused(b"<!DOCTYPE html><html><body><script>document.cookie</script></body></html>")
    assert error.code == "format"
    assert "网页" in error.message


def test_unknown_bytes_are_refused():
    assert refused(b"\x00\x01 this is not a picture at all " * 20).code == "format"


def test_jpeg_zip_polyglot_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("payload.html", "<script>alert(1)</script>")
    data = good_jpeg() + archive.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(data)), "the fixture must really be both a JPEG and a ZIP"
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    error = refused(data)
    assert error.code == "polyglot"
    assert "压缩包" in error.message


def test_png_decompression_bomb_is_refused_from_its_header():
    data = png_bomb()
    assert len(data) < 200_000
    error = refused(data)
    assert error.code == "too_many_pixels"
    assert "12000×12000" in error.message


def test_20000_by_20000_image_is_refused():
    error = refused(jpeg_claiming(20000, 20000))
    assert error.code == "too_many_pixels"
    assert "4000 万像素" in error.message


def test_tiny_image_is_refused():
    assert refused(good_jpeg((120, 90))).code == "too_small"


# --- accepted after conversion ----------------------------------------------------------------------
def decoded(photo):
    image = Image.open(io.BytesIO(photo.content))
    assert image.format == "JPEG" and image.mode == "RGB"
    return image


def test_cmyk_jpeg_is_accepted_and_converted_to_rgb():
    buffer = io.BytesIO()
    Image.new("CMYK", (400, 300), (0, 255, 255, 0)).save(buffer, "JPEG")  # pure red in CMYK
    red, green, blue = decoded(normalise(buffer.getvalue())).getpixel((200, 150))
    assert red > 200 and green < 60 and blue < 60


def test_16_bit_png_is_accepted_with_its_grey_levels():
    gradient = np.tile(np.linspace(0, 65535, 400, dtype=np.uint16), (300, 1))
    buffer = io.BytesIO()
    Image.fromarray(gradient).save(buffer, "PNG")
    assert Image.open(io.BytesIO(buffer.getvalue())).mode.startswith("I")
    image = decoded(normalise(buffer.getvalue()))
    left, middle, right = (image.getpixel((x, 150))[0] for x in (2, 200, 397))
    assert left < 10 and 110 < middle < 145 and right > 245


def test_palette_png_with_transparency_is_accepted_on_white():
    image = Image.new("P", (400, 300), 0)
    image.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)
    image.paste(1, (100, 100, 300, 200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0)
    result = decoded(normalise(buffer.getvalue()))
    assert result.getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=3)  # transparent → white, not black
    assert result.getpixel((200, 150))[0] > 170


def test_exif_rotated_phone_photo_is_accepted_and_upright():
    # Sensor data landscape 400×300 with a red block at the top-left; EXIF orientation 6
    # means "rotate 90° clockwise to display", so upright it is 300×400 with the block top-right.
    image = Image.new("RGB", (400, 300), (200, 200, 200))
    image.paste((220, 0, 0), (0, 0, 80, 60))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    result = decoded(normalise(buffer.getvalue()))
    assert result.size == (300, 400)
    assert result.getpixel((280, 20))[0] > 180 and result.getpixel((280, 20))[1] < 60
    assert result.getpixel((20, 380))[1] > 150
    assert not result.getexif()


def test_every_metadata_field_is_dropped():
    image = Image.new("RGB", (640, 480), (90, 120, 150))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (37.0, 52.0, 0.0), 3: "E", 4: (112.0, 33.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), icc_profile=b"\x00" * 128, comment=b"secret comment")
    original = buffer.getvalue()
    assert b"PhoneMaker" in original
    photo = normalise(original)
    result = Image.open(io.BytesIO(photo.content))
    assert not result.getexif()
    assert "icc_profile" not in result.info and "exif" not in result.info and "comment" not in result.info
    assert b"PhoneMaker" not in photo.content and b"secret comment" not in photo.content
    assert photo.content != original


def test_big_photo_is_stored_at_most_2000_px():
    photo = normalise(good_jpeg((3000, 2250)))
    assert (photo.width, photo.height) == (2000, 1500)


# --- through the page: nothing is stored unless every photo passes ------------------------------------
HOSTILE = {
    "zero_byte": (b"", "文件是空的"),
    "truncated_jpeg": (good_jpeg((800, 600))[:3000], "不完整或已损坏"),
    "two_mib_plus_one": (b"\xff\xd8\xff" + b"\x00" * (MAX_BYTES - 2), "超过了 2 MB"),
    "gif": (b"GIF89a" + b"\x00" * 200, "GIF"),
    "webp": (b"RIFF\x00\x01\x00\x00WEBPVP8 " + b"\x00" * 200, "WebP"),
    "svg": (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG"),
    "pdf": (b"%PDF-1.7\n%%EOF\n", "PDF"),
    "html": (b"<html><script>alert(1)</script></html>", "网页"),
    "bomb": (png_bomb(), "4000 万像素"),
    "huge": (jpeg_claiming(20000, 20000), "4000 万像素"),
}


@pytest.fixture
def signed_in_candidate(client):
    candidate = CandidateFactory()
    client.force_login(candidate.user)
    return candidate


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_leaves_no_row_and_no_file(name, client, signed_in_candidate, private_storage):
    data, message = HOSTILE[name]
    good = good_jpeg((800, 600))
    response = client.post(
        reverse("identity"),
        {"headshot": upload("photo.jpg", data), "id_card": upload("card.jpg", good), "handheld": upload("hand.jpg", good)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IdentitySubmission.objects.exists()
    assert not IdentityPhoto.objects.exists()
    assert stored_files(private_storage) == []


@pytest.mark.django_db
def test_polyglot_through_the_page_is_refused_and_nothing_is_stored(client, signed_in_candidate, private_storage):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("a.txt", "x")
    good = good_jpeg((800, 600))
    response = client.post(
        reverse("identity"),
        {
            "headshot": upload("a.jpg", good),
            "id_card": upload("b.jpg", good_jpeg((640, 480)) + archive.getvalue()),
            "handheld": upload("c.jpg", good),
        },
    )
    assert response.status_code == 400
    assert "夹带了压缩包" in response.content.decode()
    assert not IdentityPhoto.objects.exists() and stored_files(private_storage) == []


@pytest.mark.django_db
def test_oversize_upload_without_javascript_is_explained_and_not_buffered_whole(client, signed_in_candidate):
    big = b"\xff\xd8\xff" + b"\x01" * (5 * 1024 * 1024)
    good = good_jpeg((800, 600))
    response = client.post(
        reverse("identity"),
        {"headshot": upload("big.jpg", big), "id_card": upload("b.jpg", good), "handheld": upload("c.jpg", good)},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "文件大小为 5121 KB，超过了 2 MB 的限制" in page
    assert "照片都没有保存" in page


@pytest.mark.django_db
def test_stored_photo_is_a_random_name_in_private_storage_not_public_media(
    client, signed_in_candidate, private_storage, astronaut_photos, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("identity"), {slot: upload(f"张伟-{slot}.jpg", data) for slot, data in astronaut_photos.items()}
        )
    photos = list(IdentityPhoto.objects.all())
    assert len(photos) == 3
    for photo in photos:
        assert "张伟" not in photo.file.name and photo.file.name.endswith(".jpg")
        assert len(photo.file.name.rsplit("/", 1)[1]) == len("0123456789abcdef0123456789abcdef.jpg")
        path = private_storage / photo.file.name
        assert path.is_file()
        assert not str(path).startswith(str(settings.MEDIA_ROOT))
        assert path.read_bytes() != astronaut_photos[photo.slot]  # re-encoded; the original is not kept
        with pytest.raises(ValueError):
            photo.file.url  # noqa: B018 — no URL: only the checking view serves photos


def test_truncated_big_jpeg_is_refused_even_when_decoded_at_reduced_scale():
    noise = (np.random.default_rng(1).random((300, 600, 3)) * 255).astype(np.uint8)
    data = jpeg(Image.fromarray(noise).resize((4000, 2250)), quality=50)
    assert len(data) < MAX_BYTES
    assert refused(data[: int(len(data) * 0.99)]).code == "corrupt"
