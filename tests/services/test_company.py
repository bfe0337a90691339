"""The company-account rules in the service, without pages."""

import pytest
from sqlalchemy import select

from matchmaker.models import FirmRole, Invitation
from matchmaker.services import company
from matchmaker.services.accounts import find_user
from matchmaker.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from tests.helpers import PASSWORD

SECRET = "test-secret-key"


@pytest.fixture
def admin(world, db_session, app_context):
    return find_user(db_session, "pk@example.com")


def test_only_an_admin_of_a_firm_invites(db_session, admin, make_user):
    admin.firm_role = FirmRole.MEMBER
    db_session.commit()
    with pytest.raises(Forbidden):
        company.invite(db_session, admin, "x@example.com", SECRET)
    staff = find_user(db_session, "staff@example.com")
    with pytest.raises(Forbidden):
        company.invite(db_session, staff, "x@example.com", SECRET)


def test_an_address_already_in_the_firm_is_not_invited(db_session, admin):
    with pytest.raises(ValidationFailed, match="already your colleague"):
        company.invite(db_session, admin, "PK@example.com", SECRET)


def test_sending_again_replaces_the_link_and_keeps_one_invitation(db_session, admin):
    first = company.invitation_token(
        company.invite(db_session, admin, "c@example.com", SECRET), SECRET
    )
    second = company.invitation_token(
        company.invite(db_session, admin, "c@example.com", SECRET), SECRET
    )
    assert len(db_session.scalars(select(Invitation)).all()) == 1
    with pytest.raises(company.InvitationInvalid, match="replaced"):
        company.invitation_for(db_session, first, SECRET)
    assert company.invitation_for(db_session, second, SECRET).email == "c@example.com"
    with pytest.raises(company.InvitationInvalid, match="not valid"):
        company.invitation_for(db_session, second, "another-secret")


def test_a_link_is_for_its_address_only(db_session, admin, make_user):
    invitation = company.invite(db_session, admin, "c@example.com", SECRET)
    stranger = make_user("stranger@example.com")
    with pytest.raises(Forbidden):
        company.accept_as(db_session, invitation, stranger)
    assert stranger.firm_id is None and invitation.accepted_at is None


def test_a_new_account_from_an_invitation_follows_the_password_rules(db_session, admin):
    invitation = company.invite(db_session, admin, "c@example.com", SECRET)
    with pytest.raises(ValidationFailed):
        company.accept_with_new_account(db_session, invitation, "1234567890123")
    db_session.rollback()
    user = company.accept_with_new_account(db_session, invitation, PASSWORD)
    assert user.firm_role == FirmRole.MEMBER and invitation.accepted_at is not None


def test_another_firms_people_and_invitations_are_not_found(db_session, admin, world):
    other_admin = find_user(db_session, "other@example.com")
    invitation = company.invite(db_session, admin, "c@example.com", SECRET)
    with pytest.raises(NotFound):
        company.cancel_invitation(db_session, other_admin, invitation.id)
    with pytest.raises(NotFound):
        company.remove_colleague(db_session, other_admin, admin.id)
    with pytest.raises(NotFound):
        company.set_role(db_session, other_admin, admin.id, "member")


def test_an_admin_may_leave_when_another_admin_remains(db_session, admin):
    invitation = company.invite(db_session, admin, "c@example.com", SECRET)
    colleague = company.accept_with_new_account(db_session, invitation, PASSWORD)
    with pytest.raises(InvalidTransition):
        company.remove_colleague(db_session, admin, admin.id)
    company.set_role(db_session, admin, colleague.id, "admin")
    version = admin.session_version
    company.remove_colleague(db_session, admin, admin.id)
    assert admin.firm_id is None and admin.session_version == version + 1
    assert [c.email for c in company.colleagues(db_session, colleague)] == ["c@example.com"]
