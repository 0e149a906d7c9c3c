from functools import wraps

from django.http import Http404

from candidates.decorators import candidate_required


def own_record_required(view):
    """The signed-in, verified candidate's own record only: staff and everyone else get a 404
    (there is no record of theirs to show, and no way to name somebody else's)."""

    @wraps(view)
    def guard(request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff:
            raise Http404
        return _as_candidate(request, *args, **kwargs)

    @candidate_required
    def _as_candidate(request, *args, **kwargs):
        if not request.candidate.is_approved:
            raise Http404
        return view(request, *args, **kwargs)

    return guard
