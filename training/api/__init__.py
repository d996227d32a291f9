"""REST API for information sessions (/api/v1/). ``portal.shell.api_urls`` registers these."""

from training.api.views import (
    RegistrationViewSet,
    SessionRequestViewSet,
    SessionViewSet,
    VenueViewSet,
)

__all__ = ["RegistrationViewSet", "SessionRequestViewSet", "SessionViewSet", "VenueViewSet"]
