"""Django looks for the app's models here; they live in the kernel, ``portal.core.models``."""

from portal.core.models import *  # noqa: F403
from portal.core.models import UserManager  # noqa: F401  (named by migration 0001)
