"""Django looks for the app's models here; each domain package keeps its own.

Application code imports from the domain package (``referrals.cases.models``…),
so that who reads the arrears models stays a list import-linter can check.
"""

from referrals.cases.models import *  # noqa: F403
from referrals.messaging.models import *  # noqa: F403
from referrals.outreach.models import *  # noqa: F403
from referrals.referrals.models import *  # noqa: F403
