from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from allauth.mfa.models import Authenticator
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete

        from portal.core.security import start_session_clock
        from portal.core.tokens import revoke_when_authenticator_removed

        user_logged_in.connect(start_session_clock, dispatch_uid="portal-session-clock")
        post_delete.connect(
            revoke_when_authenticator_removed,
            sender=Authenticator,
            dispatch_uid="portal-revoke-tokens-without-authenticator",
        )
