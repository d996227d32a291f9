from django.urls import path

from partners import views

urlpatterns = [
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
]
