"""Incident catalogue, plans and the rules for recording what was done (R5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lobby_tui.content import ContentError, data_dir, fraud_script, incident_catalogue
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.incidents import (
    IncidentCatalogue,
    check_fraud,
    check_resolution,
    next_status,
    told_time,
)

RAISED = datetime(2026, 11, 28, 2, 30, 20, tzinfo=UTC)


def test_the_shipped_catalogue_covers_the_floor() -> None:  # covers: R5.1-R5.5
    catalogue = incident_catalogue()
    ids = {t.id for t in catalogue.type}
    assert {
        "crowding",
        "line_cutting",
        "noise",
        "suspicious",
        "pin_peeking",
        "fraud",
        "aml",
        "device_fault",
        "medical",
        "lost_property",
        "threat",
        "fire",
        "other",
    } == ids
    assert all(kind.steps for kind in catalogue.type)  # every type has its plan (R5.5)
    assert {"police", "ambulance", "antifraud", "security", "supervisor"} <= {
        p.id for p in catalogue.party
    }
    assert len(fraud_script().question) == 5


def test_two_types_on_one_key_are_refused() -> None:
    raw = incident_catalogue().model_dump()
    raw["type"][1]["key"] = raw["type"][0]["key"]
    with pytest.raises(ValueError, match="share a key"):
        IncidentCatalogue.model_validate(raw)


def test_a_plan_file_with_an_error_names_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for source in data_dir().glob("*.toml"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    text = (tmp_path / "incidents.toml").read_text(encoding="utf-8")
    text = text.replace('severity = "medium"', 'severity = "urgent"', 1)
    (tmp_path / "incidents.toml").write_text(text, encoding="utf-8")
    bad_line = text.splitlines().index('severity = "urgent"') + 1
    monkeypatch.setenv("LOBBY_DATA", str(tmp_path))
    for cached in (data_dir, incident_catalogue):
        cached.cache_clear()
    try:
        with pytest.raises(ContentError) as caught:
            incident_catalogue()
    finally:
        for cached in (data_dir, incident_catalogue):
            cached.cache_clear()
    assert caught.value.params["line"] == bad_line
    assert "severity" in str(caught.value.params["problem"])


def test_escalation_time_is_not_before_the_incident_nor_in_the_future() -> None:  # covers: R5.3
    now = RAISED + timedelta(minutes=10)
    told_time(RAISED.replace(second=0), RAISED, now)  # the same minute is fine
    with pytest.raises(Invalid, match="escalation_before_incident"):
        told_time(RAISED - timedelta(minutes=5), RAISED, now)
    with pytest.raises(Invalid, match="escalation_in_future"):
        told_time(now + timedelta(minutes=5), RAISED, now)


def test_told_in_the_minute_of_raising_is_never_stored_before_the_incident() -> None:
    # covers: R5.3 — "18:05" for an incident raised at 18:05:58
    raised = datetime(2026, 11, 28, 10, 5, 58, tzinfo=UTC)
    now = raised + timedelta(minutes=3)
    assert told_time(raised.replace(second=0), raised, now) == raised
    later = raised.replace(second=0) + timedelta(minutes=2)
    assert told_time(later, raised, now) == later  # a later minute is kept as typed
    with pytest.raises(Invalid) as caught:
        told_time(raised.replace(second=0) - timedelta(minutes=1), raised, now)  # 18:04
    assert (caught.value.field, caught.value.key) == ("told_at", "escalation_before_incident")


def test_status_moves_forward_and_resolving_needs_a_note() -> None:
    assert next_status("open", "monitoring") == "monitoring"
    assert next_status("monitoring", "resolved") == "resolved"
    with pytest.raises(Invalid, match="already_resolved"):
        next_status("resolved", "open")
    with pytest.raises(Invalid) as caught:
        check_resolution("   ")
    assert caught.value.field == "resolution"


def test_the_fraud_conversation_needs_every_answer_and_an_outcome() -> None:  # covers: R5.4
    script = fraud_script()
    answers = {q.id: "to my grandson, for a car" if q.open else "yes" for q in script.question}
    assert check_fraud(script, answers, "prevented") == answers
    with pytest.raises(Invalid) as caught:
        check_fraud(script, {**answers, "payee": ""}, "prevented")
    assert caught.value.field == "q-payee"
    with pytest.raises(Invalid, match="fraud_outcome_missing"):
        check_fraud(script, answers, None)


def test_an_open_question_is_answered_in_words_the_others_yes_no_unsure() -> None:
    # covers: R5.4
    script = fraud_script()
    assert [q.id for q in script.question if q.open] == ["why"]  # marked in fraud.toml
    answers = {q.id: "no" for q in script.question}
    answers["why"] = "  to a 'safe account' the caller gave  "
    assert check_fraud(script, answers, "prevented")["why"] == "to a 'safe account' the caller gave"
    with pytest.raises(Invalid) as caught:
        check_fraud(script, {**answers, "why": "   "}, "prevented")
    assert (caught.value.field, caught.value.key) == ("q-why", "fraud_open_answer_missing")
    with pytest.raises(Invalid) as caught:
        check_fraud(script, {**answers, "phone": "maybe"}, "prevented")  # not an open question
    assert caught.value.key == "fraud_answer_missing"
