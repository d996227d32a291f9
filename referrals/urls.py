from django.urls import path

from referrals.cases import views as case_views
from referrals.messaging import views as message_views
from referrals.outreach import views as outreach_views
from referrals.privacy import views as privacy_views
from referrals.referrals import views

urlpatterns = [
    path("referrals/", views.my_referrals, name="my_referrals"),
    path("referrals/inbox/", views.inbox, name="referral_inbox"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/figures/", views.figures, name="referral_figures"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/case/", case_views.referral_open_case, name="referral_open_case"),
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
    path("cases/<int:pk>/attempts/new/", outreach_views.attempt_new, name="attempt_new"),
    path("cases/<int:pk>/outreach/", outreach_views.outreach_proof, name="outreach_proof"),
    path("cases/<int:pk>/letters/", outreach_views.letters, name="letters"),
    path("cases/<int:pk>/letters/print/", outreach_views.letter_print, name="letter_print"),
    path("cases/<int:pk>/letters/pdf/", outreach_views.letter_download, name="letter_pdf"),
    path(
        "cases/<int:pk>/letters/<int:template_pk>/sent/",
        outreach_views.letter_sent,
        name="letter_sent",
    ),
    path("cases/<int:pk>/messages/new/", message_views.message_new, name="message_new"),
    path("cases/<int:pk>/messages/wishes/", message_views.message_wishes, name="message_wishes"),
    path(
        "cases/<int:pk>/messages/<int:message_pk>/cancel/",
        message_views.message_cancel,
        name="message_cancel",
    ),
    path("message-templates/", message_views.message_templates, name="message_templates"),
    path(
        "message-templates/new/", message_views.message_template_edit, name="message_template_new"
    ),
    path(
        "message-templates/<int:template_pk>/",
        message_views.message_template_edit,
        name="message_template_edit",
    ),
    path("lac/<int:pk>/reminders/", message_views.session_reminders, name="session_reminders"),
    path("hooks/sms/<slug:provider>/status/", message_views.sms_status, name="sms_status"),
    path("hooks/sms/<slug:provider>/reply/", message_views.sms_reply, name="sms_reply"),
    path("cases/<int:pk>/visits/new/", outreach_views.visit_new, name="visit_new"),
    path("cases/<int:pk>/workers/", case_views.case_workers, name="case_workers"),
    path("cases/<int:pk>/<slug:action>/", case_views.case_action, name="case_action"),
    path("visits/", outreach_views.visit_board, name="visit_board"),
    path("visits/<int:pk>/", outreach_views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/<slug:action>/", outreach_views.visit_action, name="visit_action"),
    path("letter-templates/", outreach_views.letter_templates, name="letter_templates"),
    path("letter-templates/new/", outreach_views.letter_template_edit, name="letter_template_new"),
    path(
        "letter-templates/<int:template_pk>/",
        outreach_views.letter_template_edit,
        name="letter_template_edit",
    ),
    path("privacy/clients/", privacy_views.privacy_clients, name="privacy_clients"),
    path("privacy/clients/<int:pk>/export/", privacy_views.privacy_export, name="privacy_export"),
    path("outreach/what-works/", outreach_views.what_works_report, name="what_works"),
    path("outreach/what-works.csv", outreach_views.what_works_csv, name="what_works_csv"),
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
