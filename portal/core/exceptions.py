class ActionRefused(Exception):
    """A business action cannot be carried out in the current state.

    The message is translated and meant for the person who tried it.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class StaleVersion(ActionRefused):
    """The change was made on another version than the stored one (someone else saved
    in the meantime). A form that catches it can show what was saved meanwhile."""
