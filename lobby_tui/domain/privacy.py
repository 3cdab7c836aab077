"""Personal data on screen (DESIGN "Offline and private"): names and phones are masked
everywhere except when deliberately revealed. One rule, used by every screen."""

from __future__ import annotations


def mask(who: str | None) -> str:
    """A customer's name or reference as shown on screen: the first character and always
    two stars, so the length does not give the name away (王** for 王明 and 王小明)."""
    if not who:
        return ""
    return who[0] + "**"


def mask_phone(phone: str | None) -> str:
    """The first three and last two digits: enough to confirm with the customer, not to
    call them (138******21)."""
    if not phone:
        return ""
    digits = [c for c in phone if c.isdigit()]
    if len(digits) <= 5:
        return "*" * len(digits)
    return "".join(digits[:3]) + "*" * (len(digits) - 5) + "".join(digits[-2:])


# The columns that hold a customer's personal information: names and phones, the reference
# on an appointment, and the notes made about the person at the door (an arrival's note, a
# round's note on the care given). Masked in an export unless asked for (services/export.py)
# and erased once kept long enough (domain/retention.py). The case itself (what happened,
# what was done, the deadlines) is the branch's record and stays.
PERSONAL: dict[str, tuple[str, ...]] = {
    "complaints": ("customer_name", "customer_phone"),
    "appointments": ("who",),
    "arrivals": ("note",),
    "care_actions": ("note",),
}

# Never leave the tablet, whoever asks (issue 20): a fraud case's amounts and the police
# receipt number, wherever a payload holds them (the case's updates and the journal). Only
# totals leave (the report's money saved). An AML concern's notes never leave either: they
# may say who, and the customer must never learn of it (DISCREET_TEXT).
CONFIDENTIAL_IN_PAYLOAD = frozenset({"amount_at_risk", "amount_saved", "receipt_no"})
DISCREET_TEXT: dict[str, tuple[str, ...]] = {
    "incidents": ("note", "resolution_note"),
    "incident_updates": ("note",),
}
