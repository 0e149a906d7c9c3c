"""Cache-based rate limits and keyed hashes for identifiers.

Fixed windows counted in the shared cache (Redis in production), so every app
server sees the same counts. Identifiers are hashed before they become cache
keys or audit data: an ID number is never stored in clear outside its row.
"""

import hashlib
import hmac
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from zikao.idnumbers import normalize_id_number


def pii_hash(value):
    """A keyed hash of an identifier (ID number, address), safe for logs and audit data."""
    digest = hmac.new(settings.PII_HASH_KEY.encode(), str(value).encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def id_number_hash(id_number):
    return pii_hash("id:" + normalize_id_number(id_number))


def client_address(request):
    """The client's address, given ``settings.PROXY_COUNT`` trusted proxies in front of the server.

    Every lock-out and throttle keys on this (django-axes through AXES_CLIENT_IP_CALLABLE).
    Each trusted proxy appends the address it received the connection from to
    X-Forwarded-For (nginx: ``$proxy_add_x_forwarded_for``), so with N proxies the
    N-th entry from the right is the one the outermost proxy saw: the client. Entries
    further left came from the client and may be forged. Without the header, with fewer
    entries than proxies, or with an entry that is not an address, the connection's own
    address is used: it is at worst the proxy's, never a value the client chose.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [entry for entry in entries if entry]
    if len(entries) < proxies:
        return remote
    candidate = entries[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_ip(request):
    """client_address() as a throttle key: never None."""
    return client_address(request) or "unknown"


def client_ip_hash(request):
    return pii_hash("ip:" + client_ip(request))


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    period: int  # seconds

    @property
    def minutes(self):
        return max(1, self.period // 60)


# Generous per-address limits: an exam centre or a school shares one address.
LOGIN_FAILURES_PER_IP = Limit("login-fail-ip", 100, 15 * 60)
# Every submit counts: "该身份证号已注册" answers whether an ID number is registered.
REGISTER_PER_IP = Limit("register-ip", 60, 60 * 60)
ENROLLED_MATCH_PER_IP = Limit("enrolled-ip", 30, 60 * 60)
ENROLLED_MATCH_PER_ID = Limit("enrolled-id", 5, 60 * 60)
PASSWORD_RESET_PER_IP = Limit("reset-ip", 20, 60 * 60)
PASSWORD_RESET_PER_ID = Limit("reset-id", 3, 60 * 60)
TICKET_LOOKUP_PER_IP = Limit("ticket-ip", 20, 60 * 60)
TICKET_LOOKUP_PER_ID = Limit("ticket-id", 5, 60 * 60)


def _key(limit, ident):
    window = int(time.time() // limit.period)
    return f"throttle:{limit.scope}:{ident}:{window}"


def count(limit, ident):
    return cache.get(_key(limit, ident), 0)


def is_exceeded(limit, ident):
    """True when ``ident`` has used up ``limit`` in the current window (does not count)."""
    return count(limit, ident) >= limit.limit


def hit(limit, ident):
    """Count one use; return True while still within the limit (this use included)."""
    key = _key(limit, ident)
    cache.add(key, 0, limit.period + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, limit.period + 5)
        used = 1
    return used <= limit.limit


def hit_address_and_id_number(request, per_ip, per_id, id_number):
    """Count one look-up from this address and of this ID number; False once either is over its limit.

    The ID number is counted by its keyed hash only (never stored in the cache).
    """
    return hit(per_ip, client_ip(request)) and hit(per_id, id_number_hash(id_number))
