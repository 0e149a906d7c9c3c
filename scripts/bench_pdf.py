"""Warm render time of the transfer application PDF (goal: median <= 100 ms).

Usage: .venv/bin/python scripts/bench_pdf.py [--runs 30] [--out sample.pdf]

Builds an application in memory (no database needed), renders it once to warm
WeasyPrint's cached stylesheet and fonts, then times ``--runs`` renders.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zikao.settings.test")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from candidates.models import Candidate  # noqa: E402
from transfers import pdf  # noqa: E402
from transfers.models import TransferApplication  # noqa: E402
from zikao.models import City, County  # noqa: E402


def sample_application():
    taiyuan, datong = City(code="1401", name="太原市"), City(code="1402", name="大同市")
    xiaodian = County(code="140105", name="小店区", city=taiyuan)
    pingcheng = County(code="140213", name="平城区", city=datong)
    candidate = Candidate(
        name="张伟", id_number="140105199805010011", ticket_number="010526100001", gender="M",
        birth_date=datetime.date(1998, 5, 1), county=pingcheng,
    )
    return TransferApplication(
        number="SNZK2026050100001", candidate=candidate, from_city=taiyuan, from_county=xiaodian,
        to_city=datong, to_county=pingcheng, status=TransferApplication.Status.ACCEPTED,
        idempotency_token=uuid.uuid4(), submitted_at=timezone.now(),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", help="also write the last PDF here")
    args = parser.parse_args()

    application = sample_application()
    started = time.perf_counter()
    pdf.render_application_pdf(application)
    cold = (time.perf_counter() - started) * 1000

    timings = []
    body = b""
    for _ in range(args.runs):
        started = time.perf_counter()
        body = pdf.render_application_pdf(application)
        timings.append((time.perf_counter() - started) * 1000)
    if args.out:
        Path(args.out).write_bytes(body)
    median = statistics.median(timings)
    print(f"PDF render: cold {cold:.0f} ms; warm median {median:.1f} ms, min {min(timings):.1f} ms, "
          f"max {max(timings):.1f} ms over {args.runs} runs; {len(body)} bytes")
    print("goal: median <= 100 ms -> " + ("met" if median <= 100 else "NOT met"))
    return 0 if median <= 100 else 1


if __name__ == "__main__":
    sys.exit(main())
