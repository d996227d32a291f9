from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import SimpleRouter

from partners import api as partners_api
from portal.api import api_root
from referrals import api as referrals_api
from referrals import case_api

app_name = "api"

router = SimpleRouter()
router.register("organisations", partners_api.OrganisationViewSet, basename="organisation")
router.register("teams", partners_api.TeamViewSet, basename="team")
router.register("memberships", partners_api.MembershipViewSet, basename="membership")
router.register("agreements", partners_api.AgreementViewSet, basename="agreement")
router.register("referrals", referrals_api.ReferralViewSet, basename="referral")
router.register("cases", case_api.CaseViewSet, basename="case")
router.register("lac-sessions", case_api.LacSessionViewSet, basename="lac-session")

urlpatterns = [
    path("", api_root, name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
