from django.utils.translation import gettext as _


class ActionRefused(Exception):
    """A business action cannot be carried out in the current state.

    The message is translated and meant for the person who tried it.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def refuse_stale(current_version: int, sent_version: int) -> None:
    """Refuse a change based on an older version of the object than the stored one."""
    if current_version != sent_version:
        raise ActionRefused(
            _(
                "Someone else changed this in the meantime. "
                "Reload the page to see their changes, then try again."
            )
        )
