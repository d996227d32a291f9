from django.urls import path

from referrals import views

urlpatterns = [
    path("referrals/", views.my_referrals, name="my_referrals"),
    path("referrals/inbox/", views.inbox, name="referral_inbox"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/figures/", views.figures, name="referral_figures"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/<slug:action>/", views.referral_action, name="referral_action"),
]
