"""Sign-in by 身份证号 or 准考证号, and the signed-in user of every request.

Every candidate page needs the user, their candidate profile (county, city) and whether their
record has left Shanxi. That is one query, but its SQL costs more CPU to compose than some pages
cost to render, and on the score morning every candidate asks again and again. So the loaded user
is kept in the cache for SIGNED_IN_USER_CACHE_SECONDS (120 s with Redis; none with the embedded
default's per-process memory, which another process's change cannot reach), as Zulip keeps user
profiles by id (``zerver.models.users.get_user_profile_by_id``), and dropped whenever the user, the candidate or
one of their 省际转出 applications is saved or deleted (``candidates.user_cache``). Nothing
updates those tables in bulk (``QuerySet.update``) outside the tests.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from candidates.models import Candidate, User
from candidates.throttle import pii_hash
from zikao.copies import cached_copy, store_copies
from zikao.idnumbers import normalize_id_number


def user_cache_key(user_id):
    return f"candidates:user:v1:{user_id}"


def _users_with_candidates(**filters):
    """Users with their candidate profile (county, city) in one query: every candidate page needs
    both (candidate_required). Whether the record has left Shanxi (Candidate.record_closed) comes
    in the same query too."""
    transfers_out = Candidate._meta.get_field("transfers_out").related_model
    closed = transfers_out.objects.filter(candidate=OuterRef("candidate"), status="transferred")
    users = User.objects.select_related("candidate__county__city").annotate(record_closed=Exists(closed))
    for user in users.filter(**filters):
        if hasattr(user, "candidate"):  # staff have none
            user.candidate.record_closed = user.record_closed
        yield user


def warm_user_copies(candidate_ids):
    """Store the signed-in user's copy of these candidates before they come (one query): the
    minute scores are published, every candidate of the sitting reloads at once. Returns how many."""
    seconds = settings.SIGNED_IN_USER_CACHE_SECONDS
    if not seconds:
        return 0
    users = _users_with_candidates(candidate__in=candidate_ids)
    return store_copies({user_cache_key(user.pk): user for user in users}, seconds=seconds)


def find_candidate_by_login(login):
    """The candidate whose ID number or ticket number is ``login``, or None."""
    login = normalize_id_number(login)
    if not login:
        return None
    field = "ticket_number" if len(login) == 12 and login.isdigit() else "id_number"
    return Candidate.objects.select_related("user").filter(**{field: login}).first()


def _request_memo(request, name):
    """A dict that lives as long as ``request`` (an empty throw-away one without a request)."""
    if request is None:
        return {}
    memo = getattr(request, name, None)
    if memo is None:
        memo = {}
        setattr(request, name, memo)
    return memo


def _candidate_for_login(request, login):
    """find_candidate_by_login, looked up once per request.

    One sign-in asks for the same account several times (axes before and after
    the password check, this backend, the lock-out reset); one query serves them all.
    """
    memo = _request_memo(request, "_candidates_by_login")
    if login not in memo:
        memo[login] = find_candidate_by_login(login)
    return memo[login]


class CandidateBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        candidate = _candidate_for_login(request, username)
        if candidate is None:
            # Spend the same time as a real check so timing does not reveal
            # whether the account exists (as Django's ModelBackend does).
            self._dummy_hash(password)
            return None
        user = candidate.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        user = cached_copy(user_cache_key(user_id), lambda: self._load_user(user_id),
                           seconds=settings.SIGNED_IN_USER_CACHE_SECONDS)
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _load_user(user_id):
        return next(_users_with_candidates(pk=user_id), None)

    @staticmethod
    def _dummy_hash(password):
        from django.contrib.auth.hashers import make_password

        make_password(password)


def axes_username(request, credentials=None):
    """What axes records for an attempt: a keyed hash, never the ID number.

    The ID number and the ticket number of one candidate map to the same key,
    so switching between them does not escape the lock-out.
    """
    login = ""
    if credentials:
        login = credentials.get("username") or ""
    elif request is not None:
        login = request.POST.get("username", "")
    memo = _request_memo(request, "_axes_usernames")
    if login in memo:
        return memo[login]
    candidate = _candidate_for_login(request, login)
    if candidate is None and login:
        # After a successful sign-in axes passes the account's internal username;
        # it must map to the same key so that the failures are reset.
        candidate = Candidate.objects.filter(user__username=login).only("pk").first()
    key = f"candidate:{candidate.pk}" if candidate else f"login:{normalize_id_number(login)}"
    digest = pii_hash(key)
    memo[login] = digest
    if candidate is not None and "user" in candidate._state.fields_cache:
        memo[candidate.user.get_username()] = digest  # the internal name axes passes after success
    return digest
