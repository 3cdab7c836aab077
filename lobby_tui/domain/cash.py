"""Money as the manager types it, and the large-cash rule (issue 20, R5).

A cash deposit or withdrawal at or above the branch's `large_cash_threshold` (yuan, or the
same in a foreign currency at the rates in data/rates.toml) reminds the counter of the
identity check and the large-value report. Only that mark is kept with the arrival: the
amount typed decides it and is then forgotten (no amount per customer is stored).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, ConfigDict, Field

from lobby_tui.domain.errors import Invalid

YUAN = "CNY"
AMOUNT_MAX = Decimal(1_000_000_000)  # a billion: beyond any one customer at a counter
# What may follow or precede a number: the currency's code, sign or Chinese name.
CURRENCY_WORDS = {
    "¥": YUAN, "￥": YUAN, "元": YUAN, "人民币": YUAN, "RMB": YUAN, "CNY": YUAN,
    "$": "USD", "美元": "USD", "€": "EUR", "欧元": "EUR", "£": "GBP", "英镑": "GBP",
    "港币": "HKD", "港元": "HKD", "日元": "JPY",
}  # fmt: skip


class CashRates(BaseModel):
    """data/rates.toml: yuan per unit, by ISO currency code."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    rates: dict[str, Decimal]


_NUMBER = re.compile(r"[0-9][0-9,，]*(?:\.[0-9]+)?")


def parse_money(
    text: str, field: str, rates: Mapping[str, Decimal] | None = None
) -> tuple[Decimal, str] | None:
    """An amount as typed — `60000`, `60,000`, `¥6万`, `8000 USD`, `8000美元` — as (amount,
    currency code); None when nothing is typed. Refused beside `field`: no number, zero or
    less, more than two decimals, beyond a billion, or a currency with no rate."""
    typed = text.strip()
    if not typed:
        return None
    found = _NUMBER.search(typed)
    if found is None:
        raise Invalid(field, "amount_not_a_number")
    rest = (typed[: found.start()] + " " + typed[found.end() :]).strip()
    tenthousands = "万" in rest
    code = YUAN
    for word in rest.replace("万", " ").split():
        upper = word.upper()
        if word in CURRENCY_WORDS or upper in CURRENCY_WORDS:
            code = CURRENCY_WORDS.get(word) or CURRENCY_WORDS.get(upper) or code
        elif upper.isalpha() and len(upper) == 3 and upper.isascii():
            code = upper
        else:
            raise Invalid(field, "amount_not_a_number")
    try:
        amount = Decimal(found.group().replace(",", "").replace("，", ""))
    except InvalidOperation as exc:
        raise Invalid(field, "amount_not_a_number") from exc
    if tenthousands:
        amount *= 10_000
    if amount <= 0:
        raise Invalid(field, "amount_not_positive")
    if amount > AMOUNT_MAX:  # before the cents: quantize() cannot hold 27 digits and more
        raise Invalid(field, "amount_too_large")
    if amount != amount.quantize(Decimal("0.01")):
        raise Invalid(field, "amount_cents")
    if code != YUAN and rates is not None and code not in rates:
        raise Invalid(field, "currency_unknown", code=code, known=", ".join(sorted(rates)))
    return amount, code


def parse_yuan(text: str, field: str) -> Decimal | None:
    """An amount in yuan (the fraud case's amounts): a foreign currency is refused."""
    parsed = parse_money(text, field)
    if parsed is None:
        return None
    amount, code = parsed
    if code != YUAN:
        raise Invalid(field, "amount_in_yuan")
    return amount


def in_yuan(amount: Decimal, code: str, rates: Mapping[str, Decimal]) -> Decimal:
    """The yuan equivalent at the branch's rates (yuan per unit of the currency)."""
    return amount if code == YUAN else amount * rates[code]


FOREIGN_USD = 10_000  # the People's Bank: foreign cash from the equivalent of USD 10,000


def is_large_cash(
    typed: str,
    threshold: int,
    rates: Mapping[str, Decimal],
    field: str = "cash",
    *,
    foreign_usd: int = FOREIGN_USD,
    earlier: str = "",
) -> bool | None:
    """The large-cash rule (大额现金): yuan at or above `threshold` (RMB 50,000), or foreign
    cash at or above the equivalent of `foreign_usd` US dollars, single or together with cash
    of the same kind already moved today (`earlier`, as the customer says; not kept). None:
    no amount typed (nothing to remind)."""
    parsed = parse_money(typed, field, rates)
    if parsed is None:
        return None
    before = parse_money(earlier, "cash_earlier", rates)
    amount, code = parsed
    same_kind = before is not None and (before[1] == YUAN) == (code == YUAN)
    if code == YUAN:
        return amount + (before[0] if before and same_kind else 0) >= threshold
    usd = rates.get("USD")
    if usd is None:  # no dollar rate: the yuan threshold, as before
        total = in_yuan(amount, code, rates)
        if before and same_kind:
            total += in_yuan(before[0], before[1], rates)
        return total >= threshold
    total = in_yuan(amount, code, rates) + (
        in_yuan(before[0], before[1], rates) if before and same_kind else 0
    )
    return total / usd >= foreign_usd


def yuan_text(amount: Decimal) -> str:
    """An amount as kept in a record: two decimals, no separators (`12345.00`)."""
    return f"{amount.quantize(Decimal('0.01'))}"


# What the counter is reminded of at triage --------------------------------------------------

LARGE_CASH = "large_cash"  # identity check and the large-value report (大额现金)
SUITABILITY = "suitability"  # an older customer to wealth: risk assessment, recorded sale (双录)
CASH_CHANNEL = "cash"
WEALTH_CHANNEL = "wealth"


def large_cash_at_triage(
    need_channel: str,
    typed: str,
    threshold: int,
    rates: Mapping[str, Decimal],
    *,
    foreign_usd: int = FOREIGN_USD,
    earlier: str = "",
) -> bool:
    """The mark for a walk-in: an amount typed for a cash need (deposit, withdrawal, foreign
    cash) at or above the threshold, with what they moved earlier today. An amount for any
    other need is refused beside the field: a number kept about the customer for nothing."""
    large = is_large_cash(typed, threshold, rates, foreign_usd=foreign_usd, earlier=earlier)
    if large is None:
        if earlier.strip() and need_channel == CASH_CHANNEL:
            parse_money(earlier, "cash_earlier", rates)  # said beside its field if bad
        return False
    if need_channel != CASH_CHANNEL:
        raise Invalid("cash", "cash_need_only")
    return large


def counter_prompts(
    need_channel: str, channel: str, flags: Iterable[str], large_cash: bool
) -> list[str]:
    """The reminders the counter gets with this walk-in, in the order to say them."""
    prompts = [LARGE_CASH] if large_cash else []
    if "elderly" in set(flags) and WEALTH_CHANNEL in (channel, need_channel):
        prompts.append(SUITABILITY)
    return prompts
