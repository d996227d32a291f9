from django.urls import path

from referrals import case_views, views

urlpatterns = [
    path("referrals/", views.my_referrals, name="my_referrals"),
    path("referrals/inbox/", views.inbox, name="referral_inbox"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/figures/", views.figures, name="referral_figures"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/<slug:action>/", views.referral_action, name="referral_action"),
    path("cases/", case_views.case_list, name="case_list"),
    path("cases/new/", case_views.case_new, name="case_new"),
    path("cases/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("cases/<int:pk>/arrears/", case_views.arrears_edit, name="arrears_edit"),
    path(
        "cases/<int:pk>/arrears/<slug:action>/",
        case_views.arrears_action,
        name="arrears_action",
    ),
    path("cases/<int:pk>/<slug:action>/", case_views.case_action, name="case_action"),
    path("lac/", case_views.lac_sessions, name="lac_sessions"),
    path("lac/<int:pk>/", case_views.lac_session_detail, name="lac_session_detail"),
    path("lac/<int:pk>/print/", case_views.lac_session_print, name="lac_session_print"),
    path("lac/<int:pk>/held/", case_views.lac_session_held, name="lac_session_held"),
    path("lac/<int:pk>/import/", case_views.lac_upload, name="lac_upload"),
    path("lac/items/<int:item_pk>/decision/", case_views.lac_decision, name="lac_decision"),
    path("lac/items/<int:item_pk>/letter/", case_views.decision_letter, name="decision_letter"),
    path("lac/imports/<int:pk>/", case_views.lac_import_preview, name="lac_import_preview"),
    path(
        "lac/imports/<int:pk>/progress/",
        case_views.lac_import_progress,
        name="lac_import_progress",
    ),
]
