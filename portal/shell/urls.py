from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal.shell import health, views

# The admin's login goes through allauth, so its rate limits and two-step login apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "LAC water — platformbeheer"
admin.site.site_title = "LAC water"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("health/", health.health, name="health"),
    path("health/live/", health.live, name="health_live"),
    path("invitations/<str:token>/", views.accept_invitation, name="invitation_accept"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    # Not under accounts/: that stays open before two-step login is set up.
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "organisations/<int:pk>/api-tokens/",
        views.organisation_api_tokens,
        name="organisation_api_tokens",
    ),
    path(
        "organisations/<int:pk>/api-tokens/<int:token_pk>/revoke/",
        views.organisation_api_token_revoke,
        name="organisation_api_token_revoke",
    ),
    path("organisations/<int:pk>/webhooks/", views.webhooks, name="webhooks"),
    path(
        "organisations/<int:pk>/webhooks/<int:endpoint_pk>/",
        views.webhook_detail,
        name="webhook_detail",
    ),
    path(
        "organisations/<int:pk>/webhooks/<int:endpoint_pk>/secret/",
        views.webhook_rotate,
        name="webhook_rotate",
    ),
    path(
        "organisations/<int:pk>/webhooks/<int:endpoint_pk>/switch/",
        views.webhook_toggle,
        name="webhook_toggle",
    ),
    path(
        "organisations/<int:pk>/webhooks/<int:endpoint_pk>/deliveries/<int:delivery_pk>/retry/",
        views.webhook_retry,
        name="webhook_retry",
    ),
    # The profile combines the network (partners) with referral figures.
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("", include("partners.urls")),
    path("", include("referrals.urls")),
    path("", include("training.urls")),
    path("api/v1/", include("portal.shell.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "portal.shell.views.not_found"
handler500 = "portal.shell.views.server_error"
