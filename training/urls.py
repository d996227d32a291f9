from django.urls import path

from training import views

urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/month/", views.session_month, name="session_month"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/figures/", views.session_figures, name="session_figures"),
    path("sessions/venues/", views.venue_list, name="venue_list"),
    path("sessions/venues/new/<int:organisation_pk>/", views.venue_create, name="venue_create"),
    path("sessions/venues/<int:pk>/", views.venue_edit, name="venue_edit"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/practical/", views.session_practical, name="session_practical"),
    path("sessions/<int:pk>/publish/", views.session_publish, name="session_publish"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/ics/", views.session_ics, name="session_ics"),
    path("sessions/<int:pk>/register/", views.session_register, name="session_register"),
    path(
        "sessions/<int:pk>/registrations/<int:registration_pk>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/evaluation/", views.session_evaluation, name="session_evaluation"),
    path("sessions/<int:pk>/materials/", views.material_add, name="material_add"),
    path(
        "sessions/<int:pk>/materials/<int:material_pk>/",
        views.material_download,
        name="material_download",
    ),
    path(
        "sessions/<int:pk>/materials/<int:material_pk>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    path("session-requests/", views.request_list, name="session_request_list"),
    path("session-requests/new/", views.request_create, name="session_request_create"),
    path("session-requests/<int:pk>/", views.request_detail, name="session_request_detail"),
    path("session-requests/<int:pk>/plan/", views.request_plan, name="session_request_plan"),
    path(
        "session-requests/<int:pk>/decline/", views.request_decline, name="session_request_decline"
    ),
    path(
        "session-requests/<int:pk>/withdraw/",
        views.request_withdraw,
        name="session_request_withdraw",
    ),
    path("calendar/feed/", views.calendar_feed_settings, name="calendar_feed_settings"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
