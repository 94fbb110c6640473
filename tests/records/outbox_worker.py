"""One outbox worker as its own process (a records replica's worker), for the tests that kill
one mid-send: `python outbox_worker.py '<settings as JSON>'`. It delivers until no message is
pending, then exits."""

from __future__ import annotations

import json
import sys
import time

from sqlalchemy import func, select

from records.db import Database
from records.models import OutboxMessage
from records.services import outbox
from records.services.sender import make_sender
from records.settings import Settings


def main() -> None:
    settings = Settings(**json.loads(sys.argv[1]))
    database = Database(settings)
    sender = make_sender(settings)
    while True:
        outbox.deliver_pending(database, sender, settings)
        with database.session() as session:
            pending = session.execute(
                select(func.count()).where(OutboxMessage.status == "pending")
            ).scalar_one()
        if not pending:
            return
        time.sleep(0.2)


if __name__ == "__main__":
    main()
