from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import SimpleRouter

from partners import api as partners_api
from portal.core.api import api_root
from referrals.cases import api as case_api
from referrals.referrals import api as referrals_api
from training import api as training_api

app_name = "api"


class Router(SimpleRouter):
    """Object ids are whole numbers (``<int:pk>``): any other value is a JSON 404
    before a view runs, and the schema documents them as integers."""

    def __init__(self):
        super().__init__(use_regex_path=False)
        self._default_value_pattern = "int"


router = Router()
router.register("organisations", partners_api.OrganisationViewSet, basename="organisation")
router.register("teams", partners_api.TeamViewSet, basename="team")
router.register("memberships", partners_api.MembershipViewSet, basename="membership")
router.register("agreements", partners_api.AgreementViewSet, basename="agreement")
router.register("sessions", training_api.SessionViewSet, basename="session")
router.register(
    "session-registrations", training_api.RegistrationViewSet, basename="session-registration"
)
router.register("session-requests", training_api.SessionRequestViewSet, basename="session-request")
router.register("venues", training_api.VenueViewSet, basename="venue")
router.register("referrals", referrals_api.ReferralViewSet, basename="referral")
router.register("cases", case_api.CaseViewSet, basename="case")
router.register("lac-sessions", case_api.LacSessionViewSet, basename="lac-session")

urlpatterns = [
    path("", api_root, name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
