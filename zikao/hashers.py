from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum: m = 7 MiB, t = 5, p = 1.

    OWASP's Password Storage Cheat Sheet lists five Argon2id settings of equal
    strength (m = 46 MiB/t = 1, 19/2, 12/3, 9/4, 7/5, all p = 1) that trade memory
    for passes. This one is the fastest here: two hashes in flight on the two
    cores still fit the shared L3 cache, so the machine checks more passwords
    per second than with the larger-memory settings (measure with
    ``scripts/measure_hasher.py``; figures in docs/benchmarks.md). Django's
    default (m = 100 MiB, p = 8) costs several times more per sign-in.
    Accounts hashed with other parameters are re-hashed on their next sign-in.
    """

    algorithm = "argon2"
    time_cost = 5
    memory_cost = 7 * 1024  # KiB
    parallelism = 1
