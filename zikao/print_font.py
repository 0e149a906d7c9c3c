"""The one typeface of every printout, made cheap to embed.

Every PDF of the portal sets its text in WenQuanYi Micro Hei (Debian's fonts-wqy-microhei). WeasyPrint
embeds a subset of it with each PDF, and keeps the glyphs' ids when it subsets: the font's tables that
run by glyph id (``loca``, ``hmtx``) stay as long as the highest id used, and a CJK character's id in a
49,531-glyph font is high. Subsetting and compressing those tables was a fifth of an admission
ticket's render time (docs/benchmarks.md, "Fourth round").

So the portal builds, once per machine, a copy of the face with only the characters Chinese print
uses: GB 2312 (its 6,763 hanzi and symbols), ASCII, CJK and general punctuation, full-width forms,
with the glyphs renumbered (13,280 glyphs). Stylesheets name it first and the full face after it, so a
character outside GB 2312 (a rare character in a name, 喆, 堃) still prints: the text engine falls
back to the full face for that character. Without the source font, or where the copy cannot be
written, printouts use the installed face alone, as before.
"""

import fcntl
import functools
import hashlib
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
# fontTools' subsetter logs each step at INFO, one line listing all 13,000 glyph names: a 500 KB log
# line the first time a machine prints.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FAMILY = "WenQuanYi Micro Hei GB2312"
FALLBACK = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif'
RECIPE = "gb2312-v1"  # change when the character set or the options below change: the copy is rebuilt

EXTRA_RANGES = [
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1: ·, ×, ° …
    (0x2010, 0x206F),  # general punctuation: — … “ ” ‘ ’ •
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。〈〉《》「」【】
    (0xFF00, 0xFFEF),  # full-width forms: ，：；（）！？
]


def characters():
    """The code points kept: every character of GB 2312, and EXTRA_RANGES."""
    kept = {code for low, high in EXTRA_RANGES for code in range(low, high + 1)}
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                kept.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # an unassigned position of the GB 2312 table
    return kept


def _copy_path(source):
    from fontTools import version as fonttools_version

    stat = source.stat()
    key = f"{source}|{stat.st_size}|{stat.st_mtime_ns}|{fonttools_version}|{RECIPE}"
    return Path(settings.PRINT_FONT_DIR) / f"wqy-microhei-{hashlib.sha256(key.encode()).hexdigest()[:16]}.ttf"


def _build(source, target):
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    if source.suffix.lower() == ".ttc":
        font = TTCollection(source).fonts[0]  # the proportional face; the second is the monospaced one
    else:
        font = TTFont(source)
    options = subset.Options()
    options.retain_gids = False
    options.hinting = False  # WeasyPrint drops hinting from what it embeds anyway
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: the subsetter drops them anyway, with a warning
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(handle)
    try:
        font.save(temporary)
        os.chmod(temporary, 0o644)  # the app servers' user may not be the one that built it
        os.replace(temporary, target)  # readers see no file or the whole file
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


@functools.cache
def copy_path():
    """The built copy's path (building it on first use, one process at a time), or None."""
    source = Path(settings.PRINT_FONT_SOURCE)
    if not source.is_file():
        logger.warning("Print font %s not found: printouts embed the installed face as it is", source)
        return None
    try:
        target = _copy_path(source)
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target.parent / ".build.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # other processes wait, then find the file
                if not target.is_file():
                    _build(source, target)
        return target
    except Exception:  # a font that cannot be subset, a read-only directory: print with the full face
        logger.exception("Could not build the print font from %s: printouts embed the installed face", source)
        return None


def font_css():
    """The stylesheet that sets every printout's typeface: the copy first when there is one."""
    path = copy_path()
    if path is None:
        return f"html {{ font-family: {FALLBACK}; }}"
    return (
        f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.as_uri()}"); }}\n'
        f'html {{ font-family: "{FAMILY}", {FALLBACK}; }}'
    )
