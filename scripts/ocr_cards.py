#!/usr/bin/env python
"""Measure reading the ID number from photographed ID cards (identity.idcard_ocr).

Builds a set of card-like photos with Pillow (identity.samples.printed_id_card:
the 人像面 layout in WenQuanYi Micro Hei, a real portrait from scikit-image /
matplotlib, the number in OCR-B), photographs each with a variant of one of
three severities, reads them, and prints the figures recorded in
docs/identity-checks.md:

    .venv/bin/python scripts/ocr_cards.py            # 96 photos, seed 13
    .venv/bin/python scripts/ocr_cards.py --count 200 --save var/ocr-cards

Severities (each photo 800–2000 px wide, the card filling 76–100 % of it):
  clean     turned ≤2°, no perspective, no blur, JPEG quality 80–90, light shading ≤15 %
  moderate  turned ≤6°, perspective ≤5 %, blur ≤1 px, JPEG quality 55–90, shading ≤35 %
  hard      turned 6–10°, perspective 5–12 %, blur 1–2 px, JPEG quality 40–60, shading 35–60 %
  beyond    past the goal, to see how reading fails: turned 10–14°, perspective 10–15 %,
            blur 2–3.5 px, JPEG quality 20–40, shading 50–70 %, 640–900 px wide

Time is CPU time of this process pinned to one core (the Tesseract model is
loaded once per worker process and reported separately).
"""

import argparse
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zikao.settings.test")

import django  # noqa: E402

django.setup()

from identity import idcard_ocr, samples  # noqa: E402
from zikao.idnumbers import check_digit  # noqa: E402

SEVERITIES = ("clean", "moderate", "hard", "beyond")
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄晓明", "周杰", "吴秀英", "欧阳志远", "郭靖"]
ADDRESSES = [
    ("山西省太原市小店区", "平阳路街道长风街12号"),
    ("山西省大同市平城区", "御河西路168号3单元501室"),
    ("山西省长治市潞州区", "英雄南路37号"),
    ("山西省运城市盐湖区", "解放路北段9号院"),
]
COUNTIES = ["140105", "140106", "140212", "140403", "140802", "140702", "141002", "110101", "370102"]


def random_number(rng):
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    first17 = f"{rng.choice(COUNTIES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + check_digit(first17)


def variant(rng, severity):
    width = rng.randrange(800, 2001)
    margin = rng.uniform(0.0, 0.12)
    sign = rng.choice((-1, 1))
    if severity == "clean":
        return dict(width=width, margin=margin, angle=sign * rng.uniform(0, 2), tilt=0.0, blur=0.0,
                    light=rng.uniform(0, 0.15)), rng.randrange(80, 91)
    if severity == "moderate":
        return dict(width=width, margin=margin, angle=sign * rng.uniform(0, 6), tilt=rng.uniform(0, 0.05),
                    blur=rng.uniform(0, 1.0), light=rng.uniform(0, 0.35)), rng.randrange(55, 91)
    if severity == "hard":
        return dict(width=width, margin=margin, angle=sign * rng.uniform(6, 10), tilt=rng.uniform(0.05, 0.12),
                    blur=rng.uniform(1.0, 2.0), light=rng.uniform(0.35, 0.6)), rng.randrange(40, 61)
    return dict(width=rng.randrange(640, 901), margin=margin, angle=sign * rng.uniform(10, 14),
                tilt=rng.uniform(0.10, 0.15), blur=rng.uniform(2.0, 3.5), light=rng.uniform(0.5, 0.7)), rng.randrange(20, 41)


def build_set(count, seed):
    """[(severity, printed number, JPEG bytes, description)], ``count`` photos spread over the severities."""
    rng = random.Random(seed)
    photos = []
    for index in range(count):
        severity = SEVERITIES[index % len(SEVERITIES)]
        number = random_number(rng)
        card = samples.printed_id_card(
            rng.choice(list(samples.PEOPLE)), number, full_name=rng.choice(NAMES), address=rng.choice(ADDRESSES)
        )
        options, quality = variant(rng, severity)
        options["background"] = tuple(rng.randrange(40, 140) for _ in range(3))
        photo = samples.photographed(card, **options)
        buffer = io.BytesIO()
        photo.save(buffer, "JPEG", quality=quality)
        description = (
            f"{photo.width}×{photo.height} 转{options['angle']:+.1f}° 透视{options['tilt']:.2f} "
            f"模糊{options['blur']:.1f} 光照{options['light']:.2f} 质量{quality}"
        )
        photos.append((severity, number, buffer.getvalue(), description))
    return photos


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=96, help="photos to build (default 96, 24 per severity)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--save", type=Path, help="also write the photos as JPEG files into this folder")
    parser.add_argument("--verbose", action="store_true", help="one line per photo")
    args = parser.parse_args()
    if not samples.available():
        sys.exit("scikit-image and matplotlib (the test extras) are needed for the portraits.")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    started = time.process_time()
    engine = idcard_ocr.get_engine()
    if engine is None:
        sys.exit("Tesseract could not be loaded: install tesseract-ocr (make run does).")
    load_seconds = time.process_time() - started
    photos = build_set(args.count, args.seed)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)

    results = {severity: {"n": 0, "read": 0, "wrong": 0, "cpu": [], "wall": []} for severity in SEVERITIES}
    for index, (severity, number, data, description) in enumerate(photos, 1):
        if args.save:
            (args.save / f"{index:03d}-{severity}.jpg").write_bytes(data)
        cpu, wall = time.process_time(), time.perf_counter()
        reading = idcard_ocr.read_id_number(data, engine=engine)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        row = results[severity]
        row["n"] += 1
        row["cpu"].append(cpu)
        row["wall"].append(wall)
        if reading.number == number:
            row["read"] += 1
            outcome = "读对"
        elif reading.number:
            row["wrong"] += 1
            outcome = "读错"  # a valid-looking number that is not the printed one
        else:
            outcome = "无法识别（" + reading.note + "）"
        if args.verbose:
            print(f"{index:3d} {severity:8s} {description}  行{reading.lines_tried} {cpu * 1000:5.0f} ms  {outcome}")

    def line(label, rows):
        n = sum(r["n"] for r in rows)
        read = sum(r["read"] for r in rows)
        wrong = sum(r["wrong"] for r in rows)
        cpu = sorted(t for r in rows for t in r["cpu"])
        median = cpu[len(cpu) // 2]
        p95 = cpu[min(len(cpu) - 1, int(len(cpu) * 0.95))]
        print(
            f"| {label} | {n} | {read} ({read / n:.0%}) | {wrong} ({wrong / n:.0%}) | {n - read - wrong} "
            f"| {sum(cpu) / n * 1000:.0f} | {median * 1000:.0f} | {p95 * 1000:.0f} | {cpu[-1] * 1000:.0f} |"
        )

    print(f"Tesseract model loaded once in {load_seconds:.2f} s CPU; {len(photos)} photos, seed {args.seed}.\n")
    print("| severity | photos | read correctly | wrong number | unreadable | mean ms | median ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for severity in SEVERITIES:
        line(severity, [results[severity]])
    line("clean + moderate", [results["clean"], results["moderate"]])
    line("clean … hard (the issue's variants)", [results["clean"], results["moderate"], results["hard"]])
    line("all", list(results.values()))


if __name__ == "__main__":
    main()
