"""An admin cannot reach arrears through an invitation to an alias of their own address."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from partners import invitations as services
from partners.grants import rebuild_grants
from partners.models import Membership
from portal.core.exceptions import ActionRefused
from portal.core.models import Invitation, User
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
SELF_REFUSAL = "U kunt uzelf geen toegang tot achterstallen geven"  # the existing message, in Dutch
PASSWORD = "Water-en-brood-26"


@pytest.fixture
def other_admin(cast):
    """A second admin of OCMW Aalst: the one the refusal tells the first to ask."""
    user = MembershipFactory(team=cast.teams.beheer, role=Membership.Role.ADMIN).user
    rebuild_grants()
    return user


def _invite(cast, email, *, team=None, actor=None, role=Membership.Role.MEMBER):
    return services.invite_member(
        team or cast.teams.watercel,
        actor=actor or cast.org_admin,
        email=email,
        full_name="Iemand",
        role=role,
        base_url="http://testserver/",
    )


def _pending_invitation(cast, email, *, team=None, invited_by=None) -> str:
    """An invitation as one made before this rule existed: straight into the table."""
    token, token_hash = Invitation.new_token()
    Invitation.objects.create(
        email=email,
        full_name="Iemand",
        team=team or cast.teams.watercel,
        role=Membership.Role.MEMBER,
        invited_by=invited_by or cast.org_admin,
        token_hash=token_hash,
        expires_at=Invitation.default_expiry(),
    )
    return token


# Inviting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "alias",
    ["admin+x@example.org", "Admin+Achterstallen@EXAMPLE.org", " admin+@example.org "],
)
def test_an_alias_of_the_admins_own_address_is_refused_for_arrears(cast, alias):
    assert cast.org_admin.email == "admin@example.org"
    with pytest.raises(ActionRefused, match=SELF_REFUSAL):
        _invite(cast, alias)
    assert not Invitation.objects.exists()


def test_an_alias_as_privacy_officer_is_refused_too(cast):
    with pytest.raises(ActionRefused, match=SELF_REFUSAL):
        _invite(cast, "admin+privacy@example.org", team=cast.teams.onthaal, role="privacy")
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "alias", ["janpeeters@gmail.com", "j.a.n.peeters+lac@gmail.com", "Jan.Peeters@googlemail.com"]
)
def test_gmail_ignores_dots_and_both_domains_are_one_mailbox(cast, alias):
    User.objects.filter(pk=cast.org_admin.pk).update(email="jan.peeters@gmail.com")
    cast.org_admin.refresh_from_db()
    with pytest.raises(ActionRefused, match=SELF_REFUSAL):
        _invite(cast, alias)
    assert not Invitation.objects.exists()


def test_an_other_address_of_the_admins_account_is_refused(cast):
    EmailAddress.objects.create(user=cast.org_admin, email="a.vermeulen@prive.be", verified=True)
    EmailAddress.objects.create(user=cast.org_admin, email="av@thuis.be", verified=False)
    for address in ("a.vermeulen@prive.be", "A.Vermeulen+x@prive.be", "av@thuis.be"):
        with pytest.raises(ActionRefused, match=SELF_REFUSAL):
            _invite(cast, address)
    assert not Invitation.objects.exists()


def test_the_alias_is_refused_on_the_members_page_with_a_dutch_message(cast, client):
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("members", args=[cast.ocmw.pk]),
        {
            "full_name": "Ik",
            "email": "admin+watercel@example.org",
            "team": cast.teams.watercel.pk,
            "role": "member",
        },
    )
    assert response.status_code == 200
    assert "achterstal" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "address",
    [
        "collega@example.org",
        "admin@example.be",  # another domain is another mailbox
        "ad.min@example.org",  # dots count outside Gmail
        "admin-x@example.org",  # only "+" starts a tag
    ],
)
def test_a_genuinely_different_address_can_be_invited_into_arrears(cast, address):
    invitation = _invite(cast, address)
    assert invitation.email == address
    assert Invitation.objects.filter(team=cast.teams.watercel).count() == 1


def test_the_alias_may_be_invited_into_a_team_without_arrears(cast):
    invitation = _invite(cast, "admin+onthaal@example.org", team=cast.teams.onthaal)
    assert invitation.team == cast.teams.onthaal


def test_another_admin_may_invite_the_alias_into_arrears(cast, other_admin):
    assert _invite(cast, "admin+x@example.org", actor=other_admin).email == "admin+x@example.org"


# Accepting ------------------------------------------------------------------------


def test_the_inviter_cannot_accept_an_arrears_invitation_with_their_own_account(cast):
    token = _pending_invitation(cast, cast.org_admin.email)
    with pytest.raises(ActionRefused, match=SELF_REFUSAL):
        services.accept_invitation(token, password=None, user=cast.org_admin)
    assert not Membership.objects.filter(user=cast.org_admin, team=cast.teams.watercel).exists()
    assert Invitation.objects.get().accepted_at is None


def test_the_inviter_cannot_accept_through_the_page_either(cast, client):
    token = _pending_invitation(cast, cast.org_admin.email)
    client.force_login(cast.org_admin)
    client.post(f"/invitations/{token}/")
    assert not Membership.objects.filter(user=cast.org_admin, team=cast.teams.watercel).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_open_alias_invitation_cannot_make_a_second_account_for_the_inviter(cast, client):
    token = _pending_invitation(cast, "admin+tweede@example.org")
    client.force_login(cast.org_admin)
    response = client.post(
        f"/invitations/{token}/",
        {"full_name": "Ik nog eens", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "achterstal" in response.content.decode()
    assert not User.objects.filter(email="admin+tweede@example.org").exists()
    assert not Membership.objects.filter(team=cast.teams.watercel, user__email__contains="+")
    assert Invitation.objects.get().accepted_at is None


def test_an_arrears_invitation_by_someone_else_can_be_accepted(cast, other_admin):
    token = _pending_invitation(cast, cast.org_admin.email, invited_by=other_admin)
    services.accept_invitation(token, password=None, user=cast.org_admin)
    assert Membership.objects.filter(user=cast.org_admin, team=cast.teams.watercel).exists()


def test_the_inviter_may_accept_into_a_team_without_arrears(cast, client, invite_link):
    link = invite_link(client, cast, "admin+onthaal@example.org", cast.teams.onthaal)
    response = client.post(link, {"full_name": "Ik", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert Membership.objects.filter(
        user__email="admin+onthaal@example.org", team=cast.teams.onthaal
    ).exists()


@pytest.fixture
def invite_link(django_capture_on_commit_callbacks):
    def _link(client, cast, email, team):
        client.force_login(cast.org_admin)
        with django_capture_on_commit_callbacks(execute=True):
            _invite(cast, email, team=team)
        return re.search(r"http://testserver(/invitations/[^/\s]+/)", mail.outbox[-1].body)[1]

    return _link
