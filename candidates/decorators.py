"""Access rules for candidate pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from candidates import selectors
from candidates.models import Candidate, User


def candidate_required(view):
    """A signed-in candidate (any verification state); sets ``request.candidate``.

    Staff users are sent to the admin; pages with personal data are never cached.
    """

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            if User.candidate.is_cached(request.user):  # loaded with the user (CandidateBackend.get_user)
                request.candidate = request.user.candidate
            else:
                request.candidate = selectors.candidate_of(request.user)
        except Candidate.DoesNotExist:
            return redirect("admin:index") if request.user.is_staff else redirect("home")
        return view(request, *args, **kwargs)

    return wrapper


def approved_candidate_required(view):
    """A candidate whose identity is approved; anyone else lands on /identity/."""

    @candidate_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.candidate.is_approved:
            return redirect("identity")
        return view(request, *args, **kwargs)

    return wrapper
