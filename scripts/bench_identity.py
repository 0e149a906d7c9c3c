#!/usr/bin/env python
"""Identity check pipeline: benchmark on one core, and the measurements behind the thresholds.

    .venv/bin/python scripts/bench_identity.py             # median of 20 runs, one three-photo submission
    .venv/bin/python scripts/bench_identity.py --runs 50
    .venv/bin/python scripts/bench_identity.py --measure   # the numbers in docs/identity-checks.md

The benchmark pins itself to one CPU core and one BLAS/OpenMP thread, builds
one new candidate's three photos from the real sample portraits (scikit-image
astronaut, matplotlib grace_hopper; test extras), normalises them as the
upload does, loads the dlib and Tesseract models once, then times
``run_pipeline`` (decode, detect, encode, compare, background, sharpness,
hashes, reuse lookup, the ID number read from the card) from the stored bytes.
Goal: median <= 1.0 s, of which the ID number <= 0.3 s.
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import io  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zikao.settings.local")

import numpy as np  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from identity import checks, idcard_ocr, samples  # noqa: E402
from identity.intake import normalise  # noqa: E402


def pin_to_one_core():
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core} (sched_setaffinity)"
    return "not pinned (no sched_setaffinity on this platform)"


def machine_info():
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import dlib
    import PIL

    return [
        f"machine : {platform.machine()} {model}, {os.cpu_count()} logical CPUs",
        f"system  : {platform.system()} {platform.release()}",
        f"python  : {platform.python_version()}; dlib {dlib.__version__}; numpy {np.__version__}; Pillow {PIL.__version__}",
    ]


def jpeg(image, quality=90):
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def bench(runs):
    print(pin_to_one_core())
    print("\n".join(machine_info()))
    # Phone-sized uploads: a studio 证件照 file (413×531), the ID card (printed with the
    # registered number) photographed at 1600 px and the half-body photo at 1800 px;
    # intake stores them as they are.
    images = samples.submission_images("astronaut")
    id_number = "140105199503073711"
    images["id_card"] = samples.photographed(samples.printed_id_card("astronaut", id_number), width=1600, angle=3)
    sizes = {"headshot": (413, 531), "id_card": images["id_card"].size, "handheld": (1800, 1800)}
    photos = {slot: normalise(jpeg(image.resize(sizes[slot], Image.Resampling.LANCZOS))) for slot, image in images.items()}
    stored = {slot: photo.content for slot, photo in photos.items()}
    # As the task does: hashes and digests come from the database, computed at upload.
    known = {"hashes": {s: p.phash for s, p in photos.items()}, "digests": {s: p.sha256 for s, p in photos.items()}}
    sizes = ", ".join(
        f"{slot} {Image.open(io.BytesIO(data)).size[0]}×{Image.open(io.BytesIO(data)).size[1]} ({len(data) // 1024} KB)"
        for slot, data in stored.items()
    )
    print(f"input   : one new candidate's three photos: {sizes}")
    started = time.perf_counter()
    engine, text_engine = checks.get_engine(), idcard_ocr.get_engine()
    print(f"models  : loaded once per process in {time.perf_counter() - started:.2f} s (not in the timings)")
    rng = np.random.default_rng(7)
    others = [(i, f"{value:016x}") for i, value in enumerate(rng.integers(0, 2**63, 10_000))]
    known.update(other_headshots=others, engine=engine, id_number=id_number, text_engine=text_engine)
    checks.run_pipeline(stored, **known)  # warm-up
    timings, without_number, cpu, cpu_without = [], [], [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = checks.run_pipeline(stored, **known)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        started, started_cpu = time.perf_counter(), time.process_time()
        checks.run_pipeline(stored, **{**known, "id_number": None})
        without_number.append(time.perf_counter() - started)
        cpu_without.append(time.process_time() - started_cpu)
    decision = checks.decide(result)
    median = statistics.median(timings)
    number = next(check for check in result if check.name == "id_number")
    print(
        f"pipeline: {runs} runs, median {median:.3f} s, min {min(timings):.3f} s, max {max(timings):.3f} s "
        f"(reuse lookup against {len(others)} other headshots); decision: {decision}"
    )
    print(f"cpu     : median {statistics.median(cpu):.3f} s of CPU time per run (the clock above also counts waiting for the core)")
    print(
        f"number  : the ID-number check ({number.outcome}) adds {median - statistics.median(without_number):.3f} s, "
        f"{statistics.median(cpu) - statistics.median(cpu_without):.3f} s of CPU "
        f"(median without it {statistics.median(without_number):.3f} s)"
    )
    print(f"goal    : <= 1.0 s median -> {'met' if median <= 1.0 else 'NOT met'}")
    return 0 if median <= 1.0 else 1


# --- measurements ---------------------------------------------------------------------------------
def variants(image):
    width, height = image.size
    out = {
        "original": image,
        "crop 80% centre": image.crop((int(width * 0.1), int(height * 0.1), int(width * 0.9), int(height * 0.9))),
        "crop 85% top-left": image.crop((0, 0, int(width * 0.85), int(height * 0.85))),
        "crop 85% bottom-right": image.crop((int(width * 0.15), int(height * 0.15), width, height)),
    }
    for angle in (-15, -8, 8, 15):
        out[f"rotate {angle}°"] = image.rotate(angle, expand=True, fillcolor=(128, 128, 128), resample=Image.Resampling.BICUBIC)
    for scale in (0.5, 0.75, 1.5, 2.0):
        out[f"rescale ×{scale}"] = image.resize((int(width * scale), int(height * scale)), Image.Resampling.LANCZOS)
    for quality in (15, 30, 60):
        out[f"JPEG q{quality}"] = Image.open(io.BytesIO(jpeg(image, quality)))
    small = image.rotate(6, expand=True, fillcolor=(90, 90, 90)).resize((int(width * 0.7), int(height * 0.7)))
    out["rotate 6° + ×0.7 + q35"] = Image.open(io.BytesIO(jpeg(small, 35)))
    return out


def examined(engine, slot, image):
    photo = checks.Photo(slot, checks.load_rgb(jpeg(image), checks.WORKING_SIDE[slot]))
    checks.find_faces(engine, photo, allow_rotation=slot == "id_card")
    return photo


def encoding(engine, photo):
    face = photo.subject
    if face is not None and face.encoding is None:
        face.encoding = engine.encode(photo.rgb, face)
    return None if face is None else face.encoding


def measure():
    engine = checks.get_engine()
    people = list(samples.PEOPLE)
    images = {name: samples.submission_images(name) for name in people}

    print("## 1. Face detection scores (dlib HOG), all detections with score >= -0.5")
    for name in people:
        sources = {"source photo": samples.source(name), **images[name]}
        for label, image in sources.items():
            rgb = checks.load_rgb(jpeg(image))
            row = []
            for upsample in (0, 1):
                _boxes, scores, _ = engine.detector.run(rgb, upsample, -0.5)
                row.append(f"upsample {upsample}: " + ", ".join(f"{s:.2f}" for s in sorted(scores, reverse=True)))
            print(f"  {name:12s} {label:12s} {rgb.shape[1]}×{rgb.shape[0]}  " + " | ".join(row))
    hand = images["astronaut"]["handheld"]
    print("  astronaut handheld rescaled (false 'face' on the mission patch is the lowest score):")
    for scale in (0.5, 0.6, 0.75, 0.9, 1.0, 1.2):
        rgb = checks.load_rgb(jpeg(hand.resize((int(hand.width * scale), int(hand.height * scale)))))
        for upsample in (0, 1):
            _boxes, scores, _ = engine.detector.run(rgb, upsample, -0.5)
            print(f"    ×{scale} upsample {upsample}: " + ", ".join(f"{s:.2f}" for s in sorted(scores, reverse=True)))

    print("\n## 2. Face-encoding distances (5-point landmarks, 128-d, Euclidean)")
    references = {name: {slot: examined(engine, slot, image) for slot, image in images[name].items()} for name in people}
    same, different, missing = [], [], []
    for name in people:
        for slot in ("handheld", "id_card", "headshot"):
            targets = ["id_card", "headshot"] if slot == "handheld" else ["handheld"]
            for label, image in variants(images[name][slot]).items():
                photo = examined(engine, slot, image)
                vector = encoding(engine, photo)
                if vector is None:
                    missing.append(f"{name} {slot} {label}")
                    continue
                for other in people:
                    for target in targets:
                        distance = float(np.linalg.norm(vector - encoding(engine, references[other][target])))
                        row = (distance, f"{name} {slot} [{label}] vs {other} {target}")
                        (same if other == name else different).append(row)
    for title, rows in (("same person", same), ("different people", different)):
        values = [d for d, _ in rows]
        print(
            f"  {title}: n={len(values)} min {min(values):.3f} median {statistics.median(values):.3f} "
            f"p95 {np.percentile(values, 95):.3f} max {max(values):.3f}"
        )
    print("  largest same-person distances:", "; ".join(f"{d:.3f} {w}" for d, w in sorted(same)[-3:]))
    print("  smallest different-person distances:", "; ".join(f"{d:.3f} {w}" for d, w in sorted(different)[:3]))
    print("  variants without a detected face:", ", ".join(missing) or "none")

    print("\n## 3. Headshot background: share of plain blue / white / light-grey border pixels")
    backgrounds = {
        "blue": samples.BLUE, "white": samples.WHITE, "light grey": samples.LIGHT_GREY,
        "dark grey": (110, 110, 110), "red": (200, 30, 40), "green": (60, 160, 80), "beige": (225, 205, 170),
    }
    for name in people:
        cells = [
            f"{label} {checks.plain_background_fraction(checks.load_rgb(jpeg(samples.headshot(name, background=rgb)))):.3f}"
            for label, rgb in backgrounds.items()
        ]
        source = samples.source(name)
        cells.append(f"whole source photo {checks.plain_background_fraction(checks.load_rgb(jpeg(source))):.3f}")
        crop = source.crop(samples.PEOPLE[name].head_box)
        cells.append(f"head crop, studio backdrop {checks.plain_background_fraction(checks.load_rgb(jpeg(crop))):.3f}")
        print(f"  {name}: " + ", ".join(cells))

    print("\n## 4. Sharpness: variance of the Laplacian on the face box at working size")
    for name in people:
        for slot, image in images[name].items():
            cells = []
            versions = [("original", image)]
            versions += [(f"blur r{r}", image.filter(ImageFilter.GaussianBlur(r))) for r in (0.7, 1, 1.5, 2, 3)]
            versions += [("JPEG q10", Image.open(io.BytesIO(jpeg(image, 10))))]
            versions += [("upscaled ×2", image.resize((image.width * 2, image.height * 2), Image.Resampling.BICUBIC))]
            for label, version in versions:
                photo = examined(engine, slot, version)
                cells.append(f"{label} {checks.sharpness(photo):.0f}{'' if photo.subject else ' (no face)'}")
            print(f"  {name:12s} {slot:8s}: " + ", ".join(cells))

    print("\n## 5. Perceptual hash (pHash, 64 bit) distances")
    hashes = {(name, slot): checks.phash(image) for name in people for slot, image in images[name].items()}
    keys = list(hashes)
    pairs = [(checks.hash_distance(hashes[a], hashes[b]), a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]]
    print("  different pictures: min {} ({} vs {}), median {}".format(
        min(pairs)[0], " ".join(min(pairs)[1]), " ".join(min(pairs)[2]), statistics.median(p[0] for p in pairs)))
    for name in people:
        for slot, image in images[name].items():
            width, height = image.size
            copies = {
                "JPEG q30": Image.open(io.BytesIO(jpeg(image, 30))),
                "half size": image.resize((width // 2, height // 2)),
                "crop 95%": image.crop((int(width * 0.025), int(height * 0.025), int(width * 0.975), int(height * 0.975))),
                "crop 90%": image.crop((int(width * 0.05), int(height * 0.05), int(width * 0.95), int(height * 0.95))),
                "rotate 3°": image.rotate(3, fillcolor=(128, 128, 128)),
                "brighter 15%": Image.eval(image, lambda x: min(255, int(x * 1.15))),
            }
            cells = [f"{label} {checks.hash_distance(hashes[(name, slot)], checks.phash(copy))}" for label, copy in copies.items()]
            print(f"  same picture, {name} {slot}: " + ", ".join(cells))
    other_bg = checks.phash(samples.headshot("astronaut", background=samples.WHITE))
    print(f"  astronaut headshot blue vs white background: {checks.hash_distance(hashes[('astronaut', 'headshot')], other_bg)}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--measure", action="store_true", help="print the threshold measurements instead")
    args = parser.parse_args()
    if not samples.available():
        print("scikit-image and matplotlib (test extras) are needed: pip install -r requirements-test.lock")
        return 2
    return measure() if args.measure else bench(args.runs)


if __name__ == "__main__":
    sys.exit(main())
