"""Hidden fields cannot be used as an oracle: no list, in the API or on a page,
orders or filters by arrears data for someone who may not read it.

For each list and each role outside the arrears team of OCMW Aalst, the list is
fetched plain and with ``?ordering=`` / filters named after arrears fields (and
searches for arrears values). The answer must be the plain list again (the
parameter is ignored), 400, or — for a search — nothing at all; never a
different selection or order, which would tell something about the arrears.

The partner's two referrals both have a case: one owes 98.765,43, the other
12,00. Honouring ``ordering=-amount_outstanding`` or ``amount_outstanding__gt``
would change the list, so a leak cannot hide behind an unchanged answer.
"""

from __future__ import annotations

import re

import pytest

from tests.security.helpers import client_of
from tests.security.world import AALST

pytestmark = pytest.mark.django_db

# A referrer (whose referrals have cases) and a receiver without arrears (whose
# referral has a case too).
ROLES = ["partner_worker", "onthaal_worker"]

ORDERINGS = [
    "ordering=-amount_outstanding",
    "ordering=amount_outstanding",
    "ordering=-arrears__amount_outstanding",
    "ordering=-case__arrears__amount_outstanding",
    "ordering=customer_number",
    "sort=-amount_outstanding",
]
FILTERS = [
    "amount_outstanding__gt=1000",
    "arrears__amount_outstanding__gt=1000",
    "case__arrears__amount_outstanding__gt=1000",
    f"customer_number={AALST.text('customer_number')}",
    f"case__arrears__customer_number={AALST.text('customer_number')}",
    "protected_customer=true",
    "decision=conditional",
]
SEARCHES = [
    f"q={AALST.text('customer_number')}",
    f"search={AALST.text('customer_number')}",
    "search=98765",
]

API_LISTS = [
    "/api/v1/referrals/sent/",
    "/api/v1/referrals/inbox/",
    "/api/v1/organisations/",
    "/api/v1/agreements/",
    "/api/v1/cases/",
    "/api/v1/lac-sessions/",
    "/api/v1/sessions/",
    "/api/v1/session-registrations/",
    "/api/v1/session-requests/",
    "/api/v1/venues/",
]
PAGES = [
    "/referrals/",
    "/referrals/inbox/?show=all",
    "/directory/",
    "/agreements/",
    "/sessions/",
    "/session-requests/",
    "/sessions/venues/",
    "/notifications/",
]
OBJECT_LINK = re.compile(
    r'href="(/(?:referrals|organisations|sessions|agreements|session-requests|cases|lac|visits)'
    r'/\d+/)"'
)


def api_rows(client, url) -> list | int:
    response = client.get(url, HTTP_ACCEPT="application/json")
    if response.status_code != 200:
        return response.status_code
    data = response.json()
    rows = data.get("results", data) if isinstance(data, dict) else data
    return [row.get("id") for row in rows]


def page_rows(client, url) -> list | int:
    response = client.get(url)
    if response.status_code != 200:
        return response.status_code
    return OBJECT_LINK.findall(response.content.decode())


def _join(url, param):
    return f"{url}{'&' if '?' in url else '?'}{param}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("kind", "urls", "rows"), [("api", API_LISTS, api_rows), ("page", PAGES, page_rows)]
)
def test_lists_do_not_order_or_filter_by_arrears(world, role, kind, urls, rows):
    client = client_of(world, role)
    wrong = []
    for url in urls:
        plain = rows(client, url)
        assert plain == rows(client, url), f"{url} is not stable"
        for param in ORDERINGS + FILTERS:
            answer = rows(client, _join(url, param))
            if answer not in (plain, 400):
                wrong.append(f"{url}?{param}: {answer} instead of {plain}")
        for param in SEARCHES:
            answer = rows(client, _join(url, param))
            if answer not in (plain, [], 400):
                wrong.append(f"{url}?{param}: {answer} instead of {plain} or nothing")
    assert wrong == []


def test_the_partner_list_would_show_a_leak(world):
    """The oracle is real: the partner's list holds both referrals, whose cases owe
    very different amounts, so honouring an arrears ordering would reorder it."""
    client = client_of(world, "partner_worker")
    sent = api_rows(client, "/api/v1/referrals/sent/")
    assert {world.referral.pk, world.referral2.pk} <= set(sent)
    assert world.case.arrears.amount_outstanding > 1000 > world.case2.arrears.amount_outstanding
