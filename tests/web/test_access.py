"""Every role against every page: allowed (200), forbidden (403), hidden (404) or sign-in (302)."""

import pytest
from sqlalchemy import select

from matchmaker.models import Thread
from tests.helpers import decide

PAGES = [
    "/firms",
    "/firms/{firm}",
    "/firm/edit",
    "/matches",
    "/messages",
    "/messages/{thread}",
    "/review",
    "/review/{proposal}",
    "/review/audit",
    "/dashboard",
    "/auth/account",
]

EXPECTED = {
    #               anon  partner  outsider  newcomer staff admin
    "/firms": (302, 200, 200, 200, 200, 200),
    "/firms/{firm}": (302, 200, 200, 200, 200, 200),
    "/firm/edit": (302, 200, 200, 200, 403, 403),
    "/matches": (302, 200, 200, 302, 403, 403),
    "/messages": (302, 200, 200, 302, 403, 403),
    "/messages/{thread}": (302, 200, 404, 302, 403, 403),
    "/review": (302, 403, 403, 403, 200, 200),
    "/review/{proposal}": (302, 403, 403, 403, 200, 200),
    "/review/audit": (302, 403, 403, 403, 200, 200),
    "/dashboard": (302, 403, 403, 403, 200, 200),
    "/auth/account": (302, 200, 200, 200, 200, 200),
}
ROLES = [
    "anonymous",
    "pk@example.com",
    "other@example.com",
    "newcomer@example.com",
    "staff@example.com",
    "admin@example.com",
]


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_role_page_matrix(client, auth, world, make_user, db_session, role_index):
    make_user("newcomer@example.com")  # a firm account that has not described its firm yet
    make_user("admin@example.com", role="admin")
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    auth.logout()
    thread = db_session.scalar(select(Thread.id))
    role = ROLES[role_index]
    if role != "anonymous":
        auth.login(role)
    for page in PAGES:
        path = page.format(firm=world.by.id, thread=thread, proposal=world.proposal_id)
        response = client.get(path)
        assert response.status_code == EXPECTED[page][role_index], (role, path)
        if response.status_code == 302 and role == "anonymous":
            assert response.headers["Location"].startswith("/auth/login?next=")


def test_unexpected_errors_get_a_500_page_in_the_site_layout(client, auth, world, monkeypatch):
    from matchmaker.services import firms

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(firms, "directory_select", broken)
    auth.login("pk@example.com")
    response = client.get("/firms")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and "simulated failure" not in html
    assert "Sign out" in html  # the normal layout, with navigation
