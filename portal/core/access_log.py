"""Writing the access log: every read of client, case or arrears details, every
export, every refused attempt. Called from the access helpers, so views, API
and exports log the same way without each remembering to."""

from __future__ import annotations

from portal.core.models import AccessLog
from portal.core.security import current_request_path


def log_access(
    user, action: str, obj_type: str, obj_id, *, purpose: str, client_id=None, ocmw_id=None
) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return
    AccessLog.objects.create(
        user=user,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id)[:48],
        purpose=purpose[:64],
        path=current_request_path()[:300],
        client_id=client_id,
        ocmw_id=ocmw_id,
    )
