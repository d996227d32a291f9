"""Filtering and ordering only on whitelisted fields; never on arrears."""

import pytest
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter, SearchFilter

from portal.shell.api_urls import router
from referrals.cases import services as cases
from referrals.referrals import services
from tests.referrals.conftest import client_data

pytestmark = pytest.mark.django_db
API = "/api/v1"
ARREARS_WORDS = ("amount", "arrears", "invoice", "customer", "payment", "plan", "decision")


def _filter_fields(viewset) -> set[str]:
    filterset = getattr(viewset, "filterset_class", None)
    fields = set(getattr(viewset, "filterset_fields", None) or [])
    if filterset is not None:
        fields |= set(filterset.base_filters)
        fields |= {f.field_name for f in filterset.base_filters.values()}
    return fields


@pytest.mark.parametrize(
    "viewset", [viewset for _prefix, viewset, _basename in router.registry], ids=str
)
def test_every_viewset_whitelists_its_filters(viewset):
    backends = list(viewset.filter_backends)
    assert OrderingFilter not in backends and SearchFilter not in backends, viewset
    if DjangoFilterBackend in backends:
        assert getattr(viewset, "filterset_class", None) or getattr(
            viewset, "filterset_fields", None
        ), f"{viewset.__name__} filters without a whitelist"
    for field in _filter_fields(viewset):
        assert not any(word in field for word in ARREARS_WORDS), (viewset, field)


def test_nothing_filters_by_default():
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_FILTER_BACKENDS == []


@pytest.fixture
def three_cases(cast, make_referral):
    from partners.models import Organisation
    from tests.factories import OrganisationFactory

    water = OrganisationFactory(name="Farys", kind=Organisation.Kind.WATER_COMPANY)
    made = []
    for i, amount in enumerate(["900.00", "10.00", "500.00"]):
        referral = make_referral(client=client_data(cast, full_name=f"Persoon {i}"))
        referral = services.acknowledge_referral(
            referral, actor=cast.social_worker, version=referral.version
        )
        case = cases.open_case_from_referral(referral, actor=cast.social_worker)
        cases.save_arrears(
            case,
            actor=cast.social_worker,
            version=None,
            changes={
                "water_company": water,
                "customer_number": f"K-{i}",
                "amount_outstanding": amount,
            },
        )
        made.append(case)
    return made


ARREARS_PARAMS = [
    {"ordering": "amount_outstanding"},
    {"ordering": "-arrears__amount_outstanding"},
    {"arrears__amount_outstanding__gt": "100"},
    {"amount_outstanding": "900.00"},
    {"ordering": "no_such_field"},
]


def _ids(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_arrears_parameters_change_nothing_for_the_arrears_team(cast, client, three_cases):
    client.force_login(cast.social_worker)
    plain = _ids(client, f"{API}/cases/")
    assert len(plain) == 3
    for params in ARREARS_PARAMS:
        assert _ids(client, f"{API}/cases/", params) == plain, params


@pytest.mark.parametrize("person", ["partner_worker", "internal_worker", "onthaal_worker"])
def test_others_cannot_probe_arrears_through_parameters(cast, client, three_cases, person):
    client.force_login(getattr(cast, person))
    for url in ["/referrals/sent/", "/referrals/inbox/", "/organisations/", "/agreements/"]:
        plain = _ids(client, f"{API}{url}")
        for params in ARREARS_PARAMS:
            assert _ids(client, f"{API}{url}", params) == plain, (url, params)
            assert _ids(client, f"{API}/cases/", params) == []


def test_whitelisted_filters_still_work(cast, client):
    client.force_login(cast.partner_worker)
    names = [
        row["name"]
        for row in client.get(f"{API}/organisations/", {"kind": "ocmw"}).json()["results"]
    ]
    assert names == ["OCMW Aalst", "Sociaal Huis Dendermonde"]
    refused = client.get(f"{API}/organisations/", {"kind": "bank"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
