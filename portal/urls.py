from django.contrib import admin
from django.urls import include, path

from portal import views

admin.site.site_header = "LAC water — platformbeheer"
admin.site.site_title = "LAC water"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("invitations/<str:token>/", views.accept_invitation, name="invitation_accept"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("notifications/", views.notifications, name="notifications"),
    path("", include("partners.urls")),
    path("", include("referrals.urls")),
    path("", include("training.urls")),
    path("api/v1/", include("portal.api_urls")),
    path("admin/", admin.site.urls),
]
