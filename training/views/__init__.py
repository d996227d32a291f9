"""Pages for information sessions: parse input, fetch with the access check, call the
service, respond. One module per subject; ``training.urls`` imports them from here."""

from training.views.calendar import (
    calendar_feed,
    calendar_feed_settings,
    session_ics,
    session_list,
    session_month,
)
from training.views.registrations import registration_cancel, session_register
from training.views.requests import (
    request_create,
    request_decline,
    request_detail,
    request_list,
    request_plan,
    request_withdraw,
)
from training.views.sessions import (
    material_add,
    material_delete,
    material_download,
    session_attendance,
    session_cancel,
    session_create,
    session_detail,
    session_edit,
    session_evaluation,
    session_figures,
    session_practical,
    session_publish,
)
from training.views.venues import venue_create, venue_edit, venue_list

__all__ = [
    "calendar_feed",
    "calendar_feed_settings",
    "material_add",
    "material_delete",
    "material_download",
    "registration_cancel",
    "request_create",
    "request_decline",
    "request_detail",
    "request_list",
    "request_plan",
    "request_withdraw",
    "session_attendance",
    "session_cancel",
    "session_create",
    "session_detail",
    "session_edit",
    "session_evaluation",
    "session_figures",
    "session_ics",
    "session_list",
    "session_month",
    "session_practical",
    "session_publish",
    "session_register",
    "venue_create",
    "venue_edit",
    "venue_list",
]
