from django.urls import path

from partners import views

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/members/", views.members, name="members"),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/remove/",
        views.remove_member,
        name="member_remove",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.revoke_invitation,
        name="invitation_revoke",
    ),
    path("organisations/<int:pk>/teams/", views.teams, name="teams"),
    path("organisations/<int:pk>/teams/<int:team_pk>/", views.team_edit, name="team_edit"),
    path(
        "organisations/<int:pk>/agreements/new/",
        views.agreement_propose,
        name="agreement_propose",
    ),
    path("agreements/", views.agreements, name="agreements"),
    path(
        "agreements/<int:agreement_pk>/confirm/", views.agreement_confirm, name="agreement_confirm"
    ),
    path("agreements/<int:agreement_pk>/end/", views.agreement_end, name="agreement_end"),
]
