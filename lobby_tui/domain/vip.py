"""VIP customers (issue 31.3): the tiers a bank gives its best customers (金卡, 白金, 钻石,
私人银行), where each is sent by what they came for, and who is told they are here. The
tiers are content (data/vip.toml); the rules here are pure.

A VIP is routed by the need, not by being a VIP: cash and other counter business at the
priority window (served at once, not in the wealth zone with a suitcase of notes), wealth
business in the wealth zone, as the tier says."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lobby_tui.domain.checklist import Label
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.staff import ROLES

# What a VIP came for, as a tier routes it: cash at the counter, other counter business,
# wealth business (the need's own channel decides which, `need_kind`).
NEED_KINDS = ("cash", "counter", "wealth")
TIERS_MAX = 9  # one digit key cycles through them at triage: a short list

# Who is told of a VIP arrival and of an appointment checked in, when the tier names nobody
# (an appointment has no tier).
NOTIFIED_ROLE = "wealth_manager"
ANSWER_MINUTES = 5  # unanswered this long, the notice is overdue (a task past its time)


class VipTier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z_]+$")
    label: Label
    routing: dict[str, str]
    """The channel key for each kind of need (NEED_KINDS: cash, counter, wealth)."""
    notify: list[str] = Field(default_factory=list)
    """The roles told when this customer arrives (the one on duty now): a line to answer
    within ANSWER_MINUTES. Empty: nobody is told."""

    @model_validator(mode="after")
    def _complete(self) -> VipTier:
        missing = [k for k in NEED_KINDS if k not in self.routing]
        unknown = [k for k in self.routing if k not in NEED_KINDS]
        if missing or unknown:
            raise ValueError(
                f"routing needs exactly {', '.join(NEED_KINDS)}"
                f" (missing: {', '.join(missing) or '-'}; unknown: {', '.join(unknown) or '-'})"
            )
        strangers = [r for r in self.notify if r not in ROLES]
        if strangers:
            raise ValueError(f"notify: {', '.join(strangers)} is not a role ({', '.join(ROLES)})")
        return self

    def channel_for(self, kind: str) -> str:
        return self.routing[kind]


class VipCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    tier: list[VipTier] = Field(min_length=1, max_length=TIERS_MAX)

    @model_validator(mode="after")
    def _one_tier_per_id(self) -> VipCatalogue:
        ids = [t.id for t in self.tier]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"two tiers with id {twice[0]!r}")
        return self

    def by_id(self, tier_id: str | None) -> VipTier | None:
        return next((t for t in self.tier if t.id == tier_id), None)

    def of(self, flags: Iterable[str], tier_id: str | None) -> VipTier | None:
        """A customer's tier: the one chosen, else the first (the commonest: a VIP marked by
        an older caller, or by the history generator); None for a customer not marked VIP."""
        if "vip" not in flags:
            return None
        tier = self.by_id(tier_id) if tier_id else self.tier[0]
        if tier is None:
            raise Invalid("flags", "vip_tier_unknown")
        return tier

    def after(self, tier_id: str | None) -> VipTier | None:
        """The tier the VIP key moves to: the first when none is chosen, then each in turn,
        and after the last none (the customer is not a VIP after all)."""
        ids = [t.id for t in self.tier]
        if tier_id not in ids:
            return self.tier[0]
        at = ids.index(tier_id) + 1
        return self.tier[at] if at < len(ids) else None


def need_kind(need_channel: str) -> str:
    """What a need is, as a tier routes it, from the need's own channel."""
    if need_channel == "wealth":
        return "wealth"
    return "cash" if need_channel == "cash" else "counter"
