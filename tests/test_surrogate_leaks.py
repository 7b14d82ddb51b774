"""Surrogates never put a record's own known identifier back into its text.

At 100k notes the assembly benchmark's residual-PHI gate found 9 notes whose real address part
(ZIP or city) reappeared: a surrogate drawn for another span happened to equal it. These tests
force such a collision and check that the draw is redone, consistently.
"""

from __future__ import annotations

import pytest

from clinicode.schema import NoteRecord
from training.deid import DEMO_KEY, Deidentifier, _RecordPlan, residual_phi


@pytest.mark.parametrize(("phi_type", "value"), [("ID", "48213"), ("ZIP", "60601")])
def test_a_draw_equal_to_the_real_zip_is_redrawn(phi_type: str, value: str) -> None:
    deid = Deidentifier(DEMO_KEY)
    first = _RecordPlan(deid, "p1", {}).surrogate(phi_type, value)
    assert first.isdigit() and len(first) == 5
    # The same patient whose real ZIP is exactly that first draw.
    plan = _RecordPlan(deid, "p1", {"address": f"12 Elm Street, Springfield, IL {first}"})
    again = plan.surrogate(phi_type, value)
    assert again != first and not plan.reveals(again)
    assert plan.surrogate(phi_type, value) == again  # still one surrogate per patient and value


def test_a_city_draw_equal_to_the_real_city_is_redrawn() -> None:
    deid = Deidentifier(DEMO_KEY)
    first = _RecordPlan(deid, "p1", {}).surrogate("CITY", "Lake Anna")
    plan = _RecordPlan(deid, "p1", {"address": f"12 Elm Street, {first}, IL 60601"})
    again = plan.surrogate("CITY", "Lake Anna")
    assert again.lower() != first.lower()


def test_deidentified_note_keeps_no_address_part_when_draws_collide() -> None:
    deid = Deidentifier(DEMO_KEY)
    first = _RecordPlan(deid, "p1", {}).surrogate("ZIP", "60601")
    address = f"12 Elm Street, Springfield, IL {first}"
    record = NoteRecord(
        note_id="n1",
        patient_id="p1",
        case_id="c1",
        codes=["I10"],
        text=f"Lives at {address}. Previous home ZIP 60601.",
        identifiers={"address": address},
    )
    out = deid.deidentify(record)
    assert sum(residual_phi(record, out.text).values()) == 0
