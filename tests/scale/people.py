"""The load test's people: N insured people added to records (as the insurance would know
them), each with an activated account (through records' API, as tests/support/chat.py does),
so every simulated user logs in as someone else.

    .venv/bin/python tests/scale/people.py --count 50 --records URL --token TOKEN --out FILE
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import func, select

from records import clock  # noqa: E402
from records.db import Database  # noqa: E402
from records.models import Person  # noqa: E402
from records.seed import make_nir  # noqa: E402
from records.settings import get_settings  # noqa: E402

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parents[1])]
from support.chat import DemoPerson, Records  # noqa: E402


def load_person(i: int) -> DemoPerson:
    born = date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
    return DemoPerson(
        f"charge{i:03d}", "Alex", born, f"7{i:09d}", f"+3369{i:07d}", None, f"charge{i:03d}x2026"
    )


def add_people(count: int) -> list[DemoPerson]:
    """Insert `count` new people (DATABASE_URL of the records service). Each run gets people
    of its own, so what an earlier run left (appointments, codes) never mixes in."""
    database = Database(get_settings())
    with database.session() as session:
        first = session.execute(
            select(func.count()).select_from(Person).where(Person.last_name == "Charge")
        ).scalar_one()
        people = [load_person(i) for i in range(first, first + count)]
        for i, p in enumerate(people, start=first):
            session.add(
                Person(
                    first_name=p.first_name,
                    last_name="Charge",
                    sex="M",
                    birth_date=p.birth_date,
                    nir=make_nir("M", p.birth_date, f"{99000 + i // 1000:05d}", i % 1000),
                    vitale_serial=p.vitale_serial,
                    phone=p.phone,
                    email=None,
                    created_at=clock.now(),
                )
            )
        session.commit()
    database.engine.dispose()
    return people


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--records", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    people = add_people(args.count)
    records = Records(SimpleNamespace(url=lambda _: args.records, service_token=args.token))
    for person in people:
        records.activate(person)
    args.out.write_text(
        json.dumps(
            [
                {
                    "identifier": p.identifier,
                    "password": p.password,
                    "phone": p.phone,
                    "birth_date": p.birth_date.isoformat(),
                    "vitale_serial": p.vitale_serial,
                }
                for p in people
            ]
        )
    )
    print(f"{len(people)} people ready")


if __name__ == "__main__":
    main()
