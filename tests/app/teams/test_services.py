import pytest

from app.models import PlatformRole, Role
from app.teams.services import (
    InvitationUnusable,
    LastPilot,
    TeamError,
    accept_invitation,
    create_invitation,
    remove_member,
)


def test_remove_last_pilot_refused(pilot, contributor):
    with pytest.raises(LastPilot):
        remove_member(pilot.stored(), contributor.stored())

    assert pilot.stored().organisation_id == pilot.organisation_id


def test_second_acceptance_refused(pilot):
    _invitation, token = create_invitation(pilot.stored(), Role.READER)
    accept_invitation(token, email="lea@example.org", password="une-phrase-longue")

    with pytest.raises(InvitationUnusable):
        accept_invitation(token, email="paul@example.org", password="une-autre-phrase")


@pytest.mark.parametrize("role", list(PlatformRole))
def test_platform_account_keeps_role(pilot, add_member, role):
    # A platform account has no organisation, but it works for the regional
    # chamber. Joining a team would silently replace its platform role.
    account = add_member(role, organisation_id=None)
    _invitation, token = create_invitation(pilot.stored(), Role.PILOT)

    with pytest.raises(TeamError):
        accept_invitation(token, user=account.stored())

    user = account.stored()
    assert user.role == role
    assert user.organisation_id is None
