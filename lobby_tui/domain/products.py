"""Product categories for needs discovery (R3.6), from data/products.toml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from lobby_tui.domain.checklist import Label


class Product(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z_]+$")
    label: Label


class ProductCatalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    product: list[Product] = Field(min_length=1)
