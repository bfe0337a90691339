"""The thread page's one statement: the conversation for one of its two firms, with its newest
messages oldest first, and nothing for anyone else."""

import pytest
from sqlalchemy import select

from matchmaker.models import Message, Thread
from matchmaker.services import messaging
from matchmaker.services.accounts import find_user
from matchmaker.services.errors import NotFound
from tests.helpers import decide


def test_the_thread_with_its_newest_messages_for_its_firms_only(
    app, client, auth, world, db_session
):
    auth.login("staff@example.com")
    assert decide(client, world.proposal_id, "approve").status_code == 302
    thread_id = db_session.scalar(select(Thread.id))
    pk, by = find_user(db_session, "pk@example.com"), find_user(db_session, "by@example.com")

    def shown(user, **limit):
        thread, messages = messaging.thread_and_latest(db_session, user, thread_id, **limit)
        return thread.partner.name, [(m.body, m.sender_firm.name) for m in messages]

    with app.test_request_context():  # the services' messages are translated
        assert shown(pk) == ("Neman Tractors", [])
        for n, sender in enumerate((world.pk, world.by, world.pk, world.by, world.pk)):
            author = pk if sender is world.pk else by
            db_session.add(
                Message(
                    thread_id=thread_id, sender_firm_id=sender.id, sender_user_id=author.id,
                    body=f"m{n}",
                )
            )  # fmt: skip
        db_session.commit()
        latest = messaging.thread_and_latest(db_session, pk, thread_id, limit=1)[1]
        assert [(m.body, m.author, m.has_files) for m in latest] == [
            ("m4", "pk@example.com", False)
        ]
        # The newest three, oldest first, each with its sender.
        assert shown(by, limit=3) == (
            "Indus Assemblers",
            [("m2", "Indus Assemblers"), ("m3", "Neman Tractors"), ("m4", "Indus Assemblers")],
        )
        assert [body for body, _ in shown(pk)[1]] == [f"m{n}" for n in range(5)]
        for outsider in ("other@example.com", "staff@example.com"):
            with pytest.raises(NotFound):
                shown(find_user(db_session, outsider))
        with pytest.raises(NotFound):
            messaging.thread_and_latest(db_session, pk, thread_id + 1000)
