"""Payment providers, pretix-style: one class per way of paying, listed in settings.

``settings.PAYMENT_PROVIDERS`` holds dotted paths of ``BasePaymentProvider`` subclasses; the
candidate chooses among those whose ``is_enabled`` is true. A provider never changes an order
itself: it calls ``payments.services`` (start_payment, confirm_payment …) like everything else.
"""

from functools import cache

from django.conf import settings
from django.http import Http404
from django.utils.module_loading import import_string


class BasePaymentProvider:
    identifier = ""  # in URLs (/payments/<identifier>/notify/) and on Payment.provider
    verbose_name = ""  # what the candidate chooses (支付宝, 线下缴费 …)
    description = ""  # one sentence under the choice on the pay page
    initial_state = "created"  # a new attempt's Payment.state
    can_query = False  # offers "我已支付，刷新状态"

    @property
    def is_enabled(self):
        return True

    def start(self, payment, request):
        """Begin paying ``payment``: a URL to redirect to, or an HttpResponse (a rendered page)."""
        raise NotImplementedError

    def handle_notify(self, request):
        """The gateway's asynchronous notification (POST, no session, no CSRF token): an HttpResponse."""
        raise Http404

    def handle_return(self, request):
        """Where the gateway sends the candidate back: an HttpResponse (usually a redirect)."""
        raise Http404

    def query(self, payment):
        """Ask the gateway about ``payment`` and confirm it if it was paid; returns the payment."""
        return payment


@cache
def _load(paths):
    providers = {}
    for path in paths:
        provider = import_string(path)()
        providers[provider.identifier] = provider
    return providers


def all_providers():
    return _load(tuple(settings.PAYMENT_PROVIDERS))


def enabled_providers():
    return [provider for provider in all_providers().values() if provider.is_enabled]


def get_provider(identifier, *, enabled_only=True):
    """The provider ``identifier`` (404 if it is not configured, or not enabled)."""
    provider = all_providers().get(identifier)
    if provider is None or (enabled_only and not provider.is_enabled):
        raise Http404
    return provider
