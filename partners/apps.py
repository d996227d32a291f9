from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner network")

    def ready(self):
        from partners.principal import as_principal
        from portal.core import security

        security.require_two_step_when(lambda user: as_principal(user).needs_mfa)
