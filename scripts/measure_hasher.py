"""Cost of one password check: the portal's Argon2id vs Django's default PBKDF2 (and Django's Argon2).

    .venv/bin/python scripts/measure_hasher.py [--checks 20]

Prints the median wall-clock time of ``check_password`` (what every sign-in
pays) for each hasher, measured on this machine.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zikao.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher  # noqa: E402

from zikao.hashers import PortalArgon2PasswordHasher  # noqa: E402

PASSWORD = "Kaoshi2026demo"


def median_check_ms(hasher, checks):
    encoded = hasher.encode(PASSWORD, hasher.salt())
    hasher.verify(PASSWORD, encoded)  # warm-up (imports, first allocation)
    timings = []
    for _ in range(checks):
        start = time.perf_counter()
        assert hasher.verify(PASSWORD, encoded)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), min(timings), max(timings), encoded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=20)
    args = parser.parse_args()
    print(f"CPU cores: {os.cpu_count()}; {args.checks} checks each")
    for label, hasher in [
        ("Argon2id m=19MiB t=2 p=1 (PortalArgon2PasswordHasher)", PortalArgon2PasswordHasher()),
        (f"PBKDF2-SHA256 {PBKDF2PasswordHasher.iterations} iterations (Django default)", PBKDF2PasswordHasher()),
        ("Argon2id m=100MiB t=2 p=8 (Django's own Argon2 setting)", Argon2PasswordHasher()),
    ]:
        median, low, high, encoded = median_check_ms(hasher, args.checks)
        print(f"{label}: median {median:.1f} ms (min {low:.1f}, max {high:.1f})  {encoded.rsplit('$', 2)[0]}$…")


if __name__ == "__main__":
    main()
