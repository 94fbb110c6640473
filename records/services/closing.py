"""Closing a space (SPEC §3.2): the record is kept for the legal retention (10 years) unless
the person asks for deletion. Areas that store personal data register a deleter here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from records import clock
from records.models import Account, AssistantLink, Person
from records.services import outbox, sessions

log = logging.getLogger("records.closing")

RETENTION = timedelta(days=3653)  # 10 years

# Each area (documents, profile, agenda…) registers a function deleting a person's data.
DataDeleter = Callable[[Session, str], None]
_deleters: list[DataDeleter] = []


def register_deleter(fn: DataDeleter) -> DataDeleter:
    _deleters.append(fn)
    return fn


def _delete_assistant_links(session: Session, person_id: str) -> None:
    account_ids = select(Account.id).where(Account.person_id == person_id)
    session.execute(delete(AssistantLink).where(AssistantLink.account_id.in_(account_ids)))


register_deleter(_delete_assistant_links)


def close(session: Session, account: Account, delete_data: bool) -> None:
    now = clock.now()
    person = session.get(Person, account.person_id)
    assert person is not None
    sessions.revoke_all_for_account(session, account.id)
    account.status = "closed"
    account.closed_at = now
    if delete_data:
        for deleter in _deleters:
            deleter(session, person.id)
        account.retain_until = None
        account.data_deleted_at = now
        template = "space_closed_deleted"
    else:
        account.retain_until = now + RETENTION
        template = "space_closed_kept"
    # The login identifier is freed: the person may activate again later.
    account.identifier = None
    account.password_hash = None
    if person.phone:
        outbox.enqueue(session, "sms", person.phone, template)
    if person.email:
        outbox.enqueue(session, "email", person.email, template)
    log.info("account %s closed (delete_data=%s)", account.id, delete_data)
