import pytest
from django.urls import reverse

from partners.filters import OrganisationFilter
from partners.models import Organisation
from portal.core.pagination import page_of
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _names(response):
    return [org.name for org in response.context["page"].items]


def test_directory_needs_login(client):
    assert client.get(reverse("directory")).status_code == 302


def test_every_logged_in_role_sees_the_directory(cast, client):
    client.force_login(cast.outsider)
    response = client.get(reverse("directory"))
    assert response.status_code == 200
    assert "OCMW Aalst" in _names(response)


def test_search_by_name_place_and_postcode(cast, client):
    client.force_login(cast.partner_worker)
    assert _names(client.get(reverse("directory"), {"q": "brug"})) == ["Buurthuis De Brug"]
    by_postcode = _names(client.get(reverse("directory"), {"q": "9300"}))
    assert set(by_postcode) == {"OCMW Aalst", "Buurthuis De Brug"}


def test_filter_by_municipality_includes_the_ocmw_serving_it(cast, client):
    client.force_login(cast.partner_worker)
    names = _names(client.get(reverse("directory"), {"municipality": cast.municipality.pk}))
    assert "OCMW Aalst" in names
    assert "Sociaal Huis Dendermonde" not in names


def test_filter_by_kind_language_and_offer(cast, client):
    Organisation.objects.filter(pk=cast.partner.pk).update(languages="nl ar", offers="accompany")
    Organisation.objects.filter(pk=cast.other_partner.pk).update(languages="nl", offers="food")
    client.force_login(cast.partner_worker)
    assert _names(client.get(reverse("directory"), {"kind": "ocmw"})) == [
        "OCMW Aalst",
        "Sociaal Huis Dendermonde",
    ]
    assert _names(client.get(reverse("directory"), {"language": "ar"})) == ["Buurthuis De Brug"]
    # "nl" must not match inside other codes, and offers match whole codes only.
    assert _names(client.get(reverse("directory"), {"offer": "food"})) == ["Sociale kruidenier"]


def test_empty_state_and_filter_labels_are_dutch(cast, client):
    client.force_login(cast.partner_worker)
    page = client.get(reverse("directory"), {"q": "bestaat-echt-niet"}).content.decode()
    assert "Geen organisatie" in page
    assert "Gemeente" in page


def test_unknown_filter_values_give_a_clear_message_not_a_crash(cast, client):
    client.force_login(cast.partner_worker)
    response = client.get(reverse("directory"), {"kind": "spaceship"})
    assert response.status_code == 200
    assert response.context["page"].items == []


def test_htmx_request_gets_only_the_results(cast, client):
    client.force_login(cast.partner_worker)
    response = client.get(reverse("directory"), {"q": "brug"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"Buurthuis De Brug" in response.content


@pytest.mark.parametrize("size", [5, 50])
def test_one_query_per_page_whatever_the_page_size(cast, size, django_assert_num_queries):
    OrganisationFactory.create_batch(60)
    filterset = OrganisationFilter(
        {"q": "Organisatie"}, queryset=Organisation.objects.select_related("postcode")
    )
    assert filterset.is_valid()
    with django_assert_num_queries(1):
        page = page_of(filterset.qs.order_by("name", "pk"), 1, size=size)
        for organisation in page.items:
            _ = (organisation.postcode.code, organisation.language_labels)
    assert len(page.items) == size


def test_directory_page_query_count_does_not_grow_with_data(
    cast, client, django_assert_max_num_queries
):
    client.force_login(cast.partner_worker)
    client.get(reverse("directory"))  # warm the session
    OrganisationFactory.create_batch(40)
    # session, user, roles, unread count, municipalities, one page of organisations
    with django_assert_max_num_queries(6):
        response = client.get(reverse("directory"))
    assert response.context["page"].has_next


def test_pagination_moves_through_results(cast, client):
    OrganisationFactory.create_batch(25)
    client.force_login(cast.partner_worker)
    first = client.get(reverse("directory"))
    second = client.get(reverse("directory"), {"page": 2})
    assert first.context["page"].has_next
    assert not set(_names(first)) & set(_names(second))
