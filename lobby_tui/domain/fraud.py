"""The fraud case, closed loop (R5.4, issue 20): beyond the conversation (domain/incidents),
what was at stake and how it ended — the amount at risk, the payee's kind and the channel the
fraudster used, whether a stop-payment was asked, 96110 or the police called with the
receipt number, and the outcome: prevented, partially prevented, lost. "Prevented" counts
in the report with the money saved; only totals leave the case (never an amount per
customer).

A customer who answered yes to every risk question and still goes ahead is the case the
guide fears most: it is recorded only with a supervisor's confirmation (their PIN)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from lobby_tui.domain.cash import parse_yuan, yuan_text
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.incidents import FraudScript
from lobby_tui.domain.parse import check_text

AML_TYPE = "aml"  # the incident type of an AML concern (data/incidents.toml)
PREVENTED, PARTIAL, LOST = "prevented", "partial", "lost"
WENT_AHEAD, DELAYED = "went_ahead", "delayed"
# Outcome ids recorded before the closed loop, read as the outcome they meant.
LEGACY = {"stopped": PREVENTED}
REPORTED = ("96110", "110")  # the anti-fraud hotline, the police
RECEIPT_MAX = 40
_RECEIPT = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]*$")


@dataclass(frozen=True)
class CaseTyped:
    """The closed-loop part of the form, as typed and chosen."""

    amount_at_risk: str = ""
    amount_saved: str = ""
    payee: str | None = None
    channel: str | None = None
    stop_payment: bool = False
    reported: tuple[str, ...] = ()
    receipt_no: str = ""


def check_case(script: FraudScript, outcome: str | None, typed: CaseTyped) -> dict[str, object]:
    """The case as recorded (its payload), or the first thing to fix, beside its field.

    Prevented: the whole amount at risk was saved. Partially: the amount saved is typed,
    more than nothing and less than the whole. Lost, or the customer went ahead: nothing
    saved. Delayed: not settled yet (no saved amount)."""
    at_risk = parse_yuan(typed.amount_at_risk, "fraud-amount")
    if at_risk is None:
        raise Invalid("fraud-amount", "fraud_amount_missing")
    if typed.payee not in {p.id for p in script.payee}:
        raise Invalid("fraud-payee", "fraud_payee_missing")
    if typed.channel not in {c.id for c in script.channel}:
        raise Invalid("fraud-channel", "fraud_channel_missing")
    reported = tuple(r for r in REPORTED if r in typed.reported)
    receipt = check_text(typed.receipt_no, "fraud-receipt", RECEIPT_MAX) or None
    if reported and not receipt:
        raise Invalid("fraud-receipt", "fraud_receipt_missing")
    if receipt and not _RECEIPT.match(receipt):
        raise Invalid("fraud-receipt", "fraud_receipt_shape")
    saved: Decimal | None
    if outcome == PREVENTED:
        saved = at_risk
    elif outcome == PARTIAL:
        saved = parse_yuan(typed.amount_saved, "fraud-saved")
        if saved is None:
            raise Invalid("fraud-saved", "fraud_saved_missing")
        if saved >= at_risk:
            raise Invalid("fraud-saved", "fraud_saved_too_much", at_risk=yuan_text(at_risk))
    elif outcome in (LOST, WENT_AHEAD):
        saved = Decimal(0)
    else:
        saved = None
    return {
        "amount_at_risk": yuan_text(at_risk),
        "amount_saved": None if saved is None else yuan_text(saved),
        "payee": typed.payee,
        "channel": typed.channel,
        "stop_payment": typed.stop_payment,
        "reported": list(reported),
        "receipt_no": receipt,
    }


def needs_supervisor(script: FraudScript, answers: Mapping[str, str], outcome: str | None) -> bool:
    """Every risk question answered yes, and still the customer goes ahead: a supervisor
    confirms it before it is recorded (R5.4)."""
    asked = [q.id for q in script.question if not q.open]
    return outcome == WENT_AHEAD and bool(asked) and all(answers.get(q) == "yes" for q in asked)


def result_of(outcome: str | None) -> str | None:
    """How the case ended, for the figures: prevented, partial or lost (going ahead is a
    loss); None while it is not settled."""
    outcome = LEGACY.get(outcome or "", outcome)
    if outcome in (PREVENTED, PARTIAL):
        return outcome
    if outcome in (LOST, WENT_AHEAD):
        return LOST
    return None


@dataclass(frozen=True)
class FraudFigures:
    """The period's fraud cases as they stand (the last record of each): totals only."""

    prevented: int = 0
    partial: int = 0
    lost: int = 0
    money_saved: Decimal = Decimal(0)  # prevented and partially prevented, in yuan
    aml_concerns: int = 0  # "AML concern" incidents raised (sent to compliance)
    large_cash: int = 0  # walk-ins marked at or above the large-cash threshold


def fraud_figures(
    cases: Iterable[Mapping[str, object]], aml_concerns: int, large_cash: int
) -> FraudFigures:
    """`cases`: the last recorded payload of each fraud case of the period."""
    counts = {PREVENTED: 0, PARTIAL: 0, LOST: 0}
    saved = Decimal(0)
    for case in cases:
        result = result_of(str(case.get("outcome") or ""))
        if result is None:
            continue
        counts[result] += 1
        if result in (PREVENTED, PARTIAL) and case.get("amount_saved"):
            saved += Decimal(str(case["amount_saved"]))
    return FraudFigures(
        counts[PREVENTED], counts[PARTIAL], counts[LOST], saved, aml_concerns, large_cash
    )
