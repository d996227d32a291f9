from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: people join through an invitation."""

    # Plainer wording than allauth's, and in the portal's formal Dutch ("u").
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("The e-mail address or the password is not right."),
        "too_many_login_attempts": _("Too many attempts to log in. Wait a few minutes."),
    }

    def is_open_for_signup(self, request) -> bool:
        return False
