from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum: m = 19 MiB, t = 2, p = 1.

    Django's default (m = 100 MiB, p = 8) costs several times more per sign-in;
    OWASP rates this setting equivalent, and it keeps the sign-in rush within
    what one 2-core machine can hash (see docs/benchmarks.md).
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
