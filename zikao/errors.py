"""The one error type every service raises when a business rule says no."""


class DomainError(Exception):
    """A broken rule; ``message`` is fit to show the person who acted, ``code`` is for tests and logs.

    Every app's error derives from this class (``TransferError``, ``IdentityError`` …), so a view maps
    any of them the same way (``zikao.views_helpers.domain_error_message``) and tests assert ``code``.
    """

    def __init__(self, message, *, code):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return self.message


class ApplicationError(DomainError):
    """A refusal about a candidate's application; ``application`` is their existing one when the
    refusal is "already applied", so the page can lead there instead of showing an error."""

    def __init__(self, message, *, code, application=None):
        super().__init__(message, code=code)
        self.application = application
