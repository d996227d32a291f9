from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from partners.principal import register_grant_tables
        from referrals.referrals.models import (
            ReferralGroupObjectPermission,
            ReferralUserObjectPermission,
        )

        # Referrals shared by exception: the principal reads them with the other grants.
        register_grant_tables(
            "referral", ReferralUserObjectPermission, ReferralGroupObjectPermission
        )
