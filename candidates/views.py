from django.shortcuts import render


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """Shown by django-axes when an account is locked from this address."""
    return render(request, "candidates/locked_out.html", {"cooloff_minutes": 15}, status=429)
