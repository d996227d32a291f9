"""Materials: files for a session, added by planners and co-hosts, read by everyone who
sees the session."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from training.models import Material

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf(name="folder.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 demo", content_type="application/pdf")


def test_cohost_adds_a_file_everyone_who_sees_the_session_downloads_it(world, make_session, client):
    session = make_session(cohosts=[world.partner])
    client.force_login(world.partner_worker)
    response = client.post(
        reverse("material_add", args=[session.pk]), {"title": "Folder", "file": _pdf()}
    )
    assert response.status_code == 302
    material = Material.objects.get()
    client.force_login(world.other_partner_worker)
    download = client.get(reverse("material_download", args=[session.pk, material.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 demo"
    assert "folder.pdf" in download["Content-Disposition"]


def test_files_of_an_unknown_kind_are_refused(world, make_session, client):
    session = make_session()
    client.force_login(world.coordinator)
    bad = SimpleUploadedFile("script.exe", b"MZ", content_type="application/octet-stream")
    client.post(reverse("material_add", args=[session.pk]), {"title": "X", "file": bad})
    assert not Material.objects.exists()


def test_material_refused_sides(world, make_session, client):
    session = make_session()
    draft = make_session(status="draft")
    client.force_login(world.coordinator)
    client.post(reverse("material_add", args=[draft.pk]), {"title": "Slides", "file": _pdf()})
    material = Material.objects.get()
    client.force_login(world.partner_worker)  # not a co-host of either session
    assert (
        client.post(
            reverse("material_add", args=[session.pk]), {"title": "X", "file": _pdf()}
        ).status_code
        == 403
    )
    download = reverse("material_download", args=[draft.pk, material.pk])
    assert client.get(download).status_code == 404  # the draft is not visible
    client.force_login(world.outsider)
    assert client.get(download).status_code == 404
    client.force_login(world.partner_worker)
    delete = reverse("material_delete", args=[draft.pk, material.pk])
    assert client.post(delete).status_code == 404
    client.force_login(world.coordinator)
    assert client.post(delete).status_code == 302
    assert not Material.objects.exists()
