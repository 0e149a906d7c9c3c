"""Cost of one password check: OWASP's Argon2id settings vs Django's default PBKDF2 and Argon2.

    .venv/bin/python scripts/measure_hasher.py [--checks 20]

For each hasher prints the median time of one ``verify`` (what every sign-in
pays) and how many checks per second the machine does with one check in
flight per core (what a rush of sign-ins meets). OWASP rates its five Argon2id
settings as equally strong; the portal uses the one this machine runs fastest
(``zikao.hashers.PortalArgon2PasswordHasher``).
"""

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zikao.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher  # noqa: E402

from zikao.hashers import PortalArgon2PasswordHasher  # noqa: E402

PASSWORD = "Kaoshi2026demo"
OWASP_ARGON2ID = [(46, 1), (19, 2), (12, 3), (9, 4), (7, 5)]  # (MiB, passes), p = 1


def argon2id(mebibytes, passes):
    hasher = Argon2PasswordHasher()
    hasher.memory_cost, hasher.time_cost, hasher.parallelism = mebibytes * 1024, passes, 1
    return hasher


def hashers():
    portal = PortalArgon2PasswordHasher()
    for mebibytes, passes in OWASP_ARGON2ID:
        hasher = argon2id(mebibytes, passes)
        chosen = (hasher.memory_cost, hasher.time_cost) == (portal.memory_cost, portal.time_cost)
        yield f"Argon2id m={mebibytes}MiB t={passes} p=1{' (portal)' if chosen else ''}", hasher
    yield f"PBKDF2-SHA256 {PBKDF2PasswordHasher.iterations:,} iterations (Django default)", PBKDF2PasswordHasher()
    yield "Argon2id m=100MiB t=2 p=8 (Django's own Argon2 setting)", Argon2PasswordHasher()


def timed_checks(hasher, encoded, checks):
    timings = []
    for _ in range(checks):
        start = time.perf_counter()
        assert hasher.verify(PASSWORD, encoded)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=20)
    args = parser.parse_args()
    cores = os.cpu_count()
    print(f"CPU cores: {cores}; {args.checks} checks each, alone and with {cores} in flight")
    with ProcessPoolExecutor(cores) as pool:
        for label, hasher in hashers():
            encoded = hasher.encode(PASSWORD, hasher.salt())
            timings = timed_checks(hasher, encoded, 2) and timed_checks(hasher, encoded, args.checks)
            start = time.perf_counter()
            list(pool.map(timed_checks, [hasher] * cores, [encoded] * cores, [args.checks] * cores))
            per_second = cores * args.checks / (time.perf_counter() - start)
            print(f"{label}: median {statistics.median(timings):.1f} ms (min {min(timings):.1f}); "
                  f"{per_second:.1f} checks/s on {cores} cores")


if __name__ == "__main__":
    main()
