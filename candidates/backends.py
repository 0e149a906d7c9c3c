"""Sign-in by 身份证号 or 准考证号."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from candidates.models import Candidate
from zikao.idnumbers import normalize_id_number


def find_candidate_by_login(login):
    """The candidate whose ID number or ticket number is ``login``, or None."""
    login = normalize_id_number(login)
    if not login:
        return None
    field = "ticket_number" if len(login) == 12 and login.isdigit() else "id_number"
    return Candidate.objects.select_related("user").filter(**{field: login}).first()


class CandidateBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        candidate = find_candidate_by_login(username)
        if candidate is None:
            # Spend the same time as a real check so timing does not reveal
            # whether the account exists (as Django's ModelBackend does).
            self._dummy_hash(password)
            return None
        user = candidate.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

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
    candidate = find_candidate_by_login(login)
    if candidate is None and login:
        # After a successful sign-in axes passes the account's internal username;
        # it must map to the same key so that the failures are reset.
        candidate = Candidate.objects.filter(user__username=login).only("pk").first()
    key = f"candidate:{candidate.pk}" if candidate else f"login:{normalize_id_number(login)}"
    digest = hmac.new(settings.PII_HASH_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()
    return digest[:32]
