import pytest
from django.core import mail
from django.urls import reverse

from portal.core.models import Notification
from portal.core.notifications import Untranslated, notify

pytestmark = pytest.mark.django_db


def test_notify_creates_one_row_per_person_and_mails_after_commit(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [cast.social_worker, cast.coordinator, cast.social_worker],
            kind="test",
            text=Untranslated("Nieuwe doorverwijzing"),
            link="/x/",
            reference="DV-000001",
        )
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject.startswith("[DV-000001]")
    assert "http://127.0.0.1:8000/x/" in mail.outbox[0].body


def test_inactive_people_get_nothing(cast):
    cast.outsider.is_active = False
    cast.outsider.save()
    assert notify([cast.outsider], kind="t", text=Untranslated("x")) == []


def test_list_shows_only_own_notifications_and_marks_them_read(cast, client):
    notify([cast.partner_worker], kind="t", text=Untranslated("Voor de partner"))
    notify([cast.social_worker], kind="t", text=Untranslated("Voor het OCMW"))
    client.force_login(cast.partner_worker)
    page = client.get(reverse("notifications")).content.decode()
    assert "Voor de partner" in page
    assert "Voor het OCMW" not in page
    assert not Notification.objects.filter(recipient=cast.partner_worker, read_at=None).exists()
    assert Notification.objects.filter(recipient=cast.social_worker, read_at=None).exists()


def test_empty_state(cast, client):
    client.force_login(cast.outsider)
    assert "geen meldingen" in client.get(reverse("notifications")).content.decode().lower()


@pytest.mark.parametrize("count", [3, 40])
def test_notification_list_query_count_is_constant(
    cast, client, count, django_assert_max_num_queries
):
    for i in range(count):
        notify([cast.partner_worker], kind="t", text=Untranslated(f"Bericht {i}"))
    client.force_login(cast.partner_worker)
    with django_assert_max_num_queries(6):
        client.get(reverse("notifications"))


def test_notifications_need_login(client):
    assert client.get(reverse("notifications")).status_code == 302
