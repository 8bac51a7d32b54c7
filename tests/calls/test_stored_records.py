"""What a scripted call leaves in the tables: ``"records"`` of ``python -m simulator call --json``.

Every call reports the rows of every table but the FAQ when it ends, as plain JSON. The calls that
give personal data (``never_stored``, ``stored`` in :mod:`scenarios.calls`) prove through
``records`` alone that the numbers the caller said are stored nowhere — read digit by digit by
the oracle of ``tests/support/personal_data_forms.py``, which knows spoken and full-width digits —
except the phone number where the business needs it, in E.164.
"""

from __future__ import annotations

import json

import pytest

from contract import FAQ, TABLE_DEFINITIONS
from scenarios.calls import SCRIPTED_CALLS, ScriptedCall
from tests.calls.test_scripted_calls import quiet_environment, run_scripted
from tests.support.personal_data_forms import digit_projection, strings_in

pytestmark = pytest.mark.xdist_group("scripted_calls")
__all__ = ["quiet_environment"]  # the autouse fixture of the scripted calls applies here too

#: Tables whose rows a call reports: every table of the contract but the FAQ content.
REPORTED_TABLES = [definition.key for definition in TABLE_DEFINITIONS if definition.key != FAQ.key]
PERSONAL_DATA_CALLS = [scripted for scripted in SCRIPTED_CALLS if scripted.never_stored or scripted.stored]


def test_some_calls_say_each_kind_of_personal_data() -> None:
    said = " ".join(text for scripted in PERSONAL_DATA_CALLS for text in scripted.says)
    for form in ("０１０", " - ", "+82 010", "공일공", "주민등록번호", "카드번호"):
        assert form in said, form


@pytest.mark.parametrize("scripted", SCRIPTED_CALLS[:3], ids=lambda scripted: scripted.name)
def test_every_call_reports_the_rows_of_every_table(
    scripted: ScriptedCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, _ = run_scripted(scripted, monkeypatch)
    records = record["records"]
    assert list(records) == REPORTED_TABLES
    assert all(isinstance(rows, list) for rows in records.values())
    [caller] = records["customers"]  # the seeded profile, by its E.164 key
    assert caller["phone_number"].startswith("+82")
    turns = [row["turn"] for row in records["conversations"]]
    assert turns == sorted(turns) and all(isinstance(turn, int) for turn in turns)
    json.dumps(records, ensure_ascii=False)  # plain JSON: no Decimal, no sets


@pytest.mark.parametrize("scripted", PERSONAL_DATA_CALLS, ids=lambda scripted: scripted.name)
def test_personal_data_is_stored_only_where_needed(
    scripted: ScriptedCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, _ = run_scripted(scripted, monkeypatch)
    records = record["records"]

    for table, expected in scripted.stored.items():
        assert any(row.items() >= expected.items() for row in records[table]), (table, records[table])
    where_expected = {(table, name) for table, expected in scripted.stored.items() for name in expected}
    for table, rows in records.items():
        for row in rows:
            for name, value in row.items():
                if (table, name) in where_expected:
                    continue
                for text in strings_in(value):
                    for digits in scripted.never_stored:
                        assert digits not in digit_projection(text), f"{digits} in {table}.{name}: {text!r}"
    # The caller's words are in the conversation log, masked.
    assert len(records["conversations"]) >= 1
