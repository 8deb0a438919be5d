"""The money side of a scenario: tariff overrides, investment figures and owners."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from energysim.config.base_model import DataPath, Model, check_one_of
from energysim.config.limits import bounds
from energysim.config.owner_types import OwnerType, VatRegime
from energysim.config.suppliers import supplier_ids

__all__ = ["Finance", "Owner", "OwnershipPolicy", "Tariffs"]

RENAMED_TARIFF_FIELDS = {
    "supply_price_eur_per_kwh": "supply_price_excl_vat_eur_per_kwh",
    "energy_tax_eur_per_kwh": "energy_tax_excl_vat_eur_per_kwh",
    "energy_tax_bracket2_eur_per_kwh": "energy_tax_bracket2_excl_vat_eur_per_kwh",
    "tax_rebate_eur_per_yr": "tax_rebate_excl_vat_eur_per_yr",
    "network_charge_eur_per_yr": "network_charge_incl_vat_eur_per_yr",
    "feed_in_compensation_eur_per_kwh": "feed_in_compensation_excl_vat_eur_per_kwh",
    "feed_in_cost_eur_per_kwh": "feed_in_cost_incl_vat_eur_per_kwh",
    "feed_in_cost_bands_eur_per_month": "feed_in_cost_bands_incl_vat_eur_per_month",
}
"""Tariff fields renamed to say their VAT basis: an old name is an error naming the new one."""


class Tariffs(Model):
    """Tariff figures of the rules year; an empty field takes the year's default.

    Defaults per year come from ``energysim/data/tariffs.csv`` (:mod:`energysim.config.tariffs`,
    domain.md section 4; ``energysim tariffs YEAR`` lists them with sources); the
    resolved scenario written next to every result shows the figures actually used.
    Every money field says its VAT basis in its name: ``_excl_vat`` figures get VAT
    (``vat_frac``) where a consumer pays them, ``_incl_vat`` ones are taken as they are.
    """

    supplier: str | None = Field(
        default=None,
        description="A supplier of energysim/data/suppliers.csv (eneco, greenchoice): its "
        "published feed-in terms replace the year's default feed-in costs and compensation.",
    )
    supply_price_excl_vat_eur_per_kwh: Annotated[
        float | None, bounds("tariffs.supply_price_excl_vat_eur_per_kwh")
    ] = None
    energy_tax_excl_vat_eur_per_kwh: Annotated[
        float | None, bounds("tariffs.energy_tax_excl_vat_eur_per_kwh")
    ] = None
    energy_tax_bracket2_excl_vat_eur_per_kwh: Annotated[
        float | None, bounds("tariffs.energy_tax_bracket2_excl_vat_eur_per_kwh")
    ] = None
    bracket1_limit_kwh: Annotated[float | None, bounds("tariffs.bracket1_limit_kwh")] = None
    vat_frac: Annotated[float | None, bounds("tariffs.vat_frac")] = None
    tax_rebate_excl_vat_eur_per_yr: Annotated[
        float | None, bounds("tariffs.tax_rebate_excl_vat_eur_per_yr")
    ] = None
    network_charge_incl_vat_eur_per_yr: Annotated[
        float | None, bounds("tariffs.network_charge_incl_vat_eur_per_yr")
    ] = Field(default=None, description="Network charge of a small connection, incl. VAT.")
    net_metering: bool | None = None
    shared_energy_tax: Literal["charged", "exempt"] = Field(
        default="charged",
        description="Energy tax on kWh shared over the grid and on kWh the owners sell "
        "behind a meter per kWh: 'charged' (the law: Wbm art. 50 taxes all offtake, only "
        "the connection's own feed-in is netted; the Energiewet has no exemption) or "
        "'exempt' (a what-if: shared kWh save the whole retail price).",
    )
    feed_in_compensation_excl_vat_eur_per_kwh: Annotated[
        float | None, bounds("tariffs.feed_in_compensation_excl_vat_eur_per_kwh")
    ] = Field(default=None, description="Paid per kWh fed in (no VAT: small-business exemption).")
    feed_in_cost_incl_vat_eur_per_kwh: Annotated[
        float | None, bounds("tariffs.feed_in_cost_incl_vat_eur_per_kwh")
    ] = None
    feed_in_cost_bands_incl_vat_eur_per_month: (
        list[Annotated[float, bounds("tariffs.feed_in_cost_bands_incl_vat_eur_per_month[]")]] | None
    ) = Field(
        default=None,
        description="Monthly feed-in fee incl. VAT by band of 250 kWh/yr fed in "
        "(band k: 250k-250(k+1)); an empty list is none (no monthly fee).",
    )
    large_network_fixed_excl_vat_eur_per_yr: Annotated[
        float | None, bounds("tariffs.large_network_fixed_excl_vat_eur_per_yr")
    ] = None
    large_network_contract_excl_vat_eur_per_kw_per_yr: Annotated[
        float | None, bounds("tariffs.large_network_contract_excl_vat_eur_per_kw_per_yr")
    ] = None
    large_network_peak_excl_vat_eur_per_kw_per_month: Annotated[
        float | None, bounds("tariffs.large_network_peak_excl_vat_eur_per_kw_per_month")
    ] = None
    large_network_transport_excl_vat_eur_per_kwh: Annotated[
        float | None, bounds("tariffs.large_network_transport_excl_vat_eur_per_kwh")
    ] = None
    supply_price_csv: DataPath | None = Field(
        default=None,
        description="Dynamic contract: bare supply price excl. VAT per interval or hour of the "
        "year (column supply_price_excl_vat_eur_per_kwh); replaces the flat price.",
    )

    @field_validator("supplier")
    @classmethod
    def _known_supplier(cls, value: str | None) -> str | None:
        return check_one_of(value, supplier_ids())

    @field_validator("feed_in_cost_bands_incl_vat_eur_per_month")
    @classmethod
    def _no_bands_is_none(cls, value: list[float] | None) -> list[float] | None:
        """No bands and no field mean the same: no monthly fee (kept as none, one form)."""
        return value or None

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for old, new in RENAMED_TARIFF_FIELDS.items():
                if old in data:
                    raise ValueError(
                        f"'{old}' is now '{new}' (every money field says its VAT basis); rename it"
                    )
        return data


class Finance(Model):
    """Investment and lifetime figures (estimates from domain.md section 7).

    VAT rule of this section: the owners' costs (capex, opex, inverter replacement) are
    given excl. VAT (as domain.md gives them); an owner that cannot deduct VAT
    (``[[ownership]] vat = "exempt"``) pays them incl. VAT in its business case; fees
    (panel fee, sharing fee) are what a household pays, VAT included, and reach a taxable
    owner net of output VAT; SCE amounts are subsidy, outside VAT.
    """

    capex_eur_per_kwp: Annotated[float, bounds("finance.capex_eur_per_kwp")] = Field(
        default=750.0, description="estimate: EUR 650-900/kWp"
    )
    opex_eur_per_kwp_per_yr: Annotated[float, bounds("finance.opex_eur_per_kwp_per_yr")] = Field(
        default=15.0, description="estimate: EUR 10-20"
    )
    lifetime_yr: Annotated[int, bounds("finance.lifetime_yr")] = 25
    discount_rate_frac: Annotated[float, bounds("finance.discount_rate_frac")] = 0.04
    service_cost_key: Literal["per_dwelling", "floor_area"] = "per_dwelling"
    panel_fee_eur_per_yr: Annotated[float, bounds("finance.panel_fee_eur_per_yr")] = Field(
        default=0.0, description="Usage fee per participating dwelling [EUR/yr]."
    )
    sharing_fee_eur_per_kwh: Annotated[float, bounds("finance.sharing_fee_eur_per_kwh")] = Field(
        default=0.0, description="Fee members pay per shared kWh [EUR/kWh]."
    )
    tenant_sharing_fee_eur_per_kwh: Annotated[
        float, bounds("finance.tenant_sharing_fee_eur_per_kwh")
    ] = Field(
        default=0.0,
        description="Fee participating tenants pay per kWh shared from the waterfall "
        "(not their own string's, which the panel fee covers), incl. VAT [EUR/kWh].",
    )
    common_fee_eur_per_kwh: Annotated[float, bounds("finance.common_fee_eur_per_kwh")] = Field(
        default=0.0,
        description="Price the common connection pays the owners per kWh of solar power "
        "it uses, charged to the tenants through the service costs, incl. VAT [EUR/kWh].",
    )
    price_indexation_frac_per_yr: Annotated[
        float, bounds("finance.price_indexation_frac_per_yr")
    ] = Field(
        default=0.02, description="Yearly indexation of energy prices and running costs (estimate)."
    )
    late_price_indexation_frac_per_yr: Annotated[
        float | None, bounds("finance.late_price_indexation_frac_per_yr")
    ] = Field(
        default=None,
        description="Yearly indexation of energy prices (not running costs) from calendar "
        "year late_prices_from_year on: another path for later prices, e.g. a low one "
        "(default: price_indexation_frac_per_yr throughout).",
    )
    late_prices_from_year: Annotated[int, bounds("finance.late_prices_from_year")] = Field(
        default=2031, description="First calendar year of the late price path."
    )
    fee_indexation_frac_per_yr: Annotated[float, bounds("finance.fee_indexation_frac_per_yr")] = (
        Field(
            default=0.0,
            description="Yearly indexation of the panel fee and the fees per kWh (members', "
            "tenants', common connection's) (default 0: a fee fixed in the agreement).",
        )
    )
    inverter_replacement_eur_per_kwp: Annotated[
        float, bounds("finance.inverter_replacement_eur_per_kwp")
    ] = Field(default=100.0, description="Inverter replacement (estimate) [EUR/kWp].")
    inverter_replacement_year: Annotated[
        int | None, bounds("finance.inverter_replacement_year")
    ] = 13
    sce_available: bool | None = Field(
        default=None,
        description="SCE subsidy for this project: false switches it off; true without a "
        "decision year assumes one in the rules year (a what-if: the SCE closed to new "
        "applications on 1 April 2026); default: as sce_decision_year says.",
    )
    sce_decision_year: Annotated[int | None, bounds("finance.sce_decision_year")] = Field(
        default=None,
        description="Year of the SCE decision (beschikking): the subsidy runs 15 years from "
        "it and its basisbedrag and basisenergieprijs are that year's; default the data "
        "year when it lies in 2021-2026 and not after the rules year, else the rules year "
        "when it does, else none (no subsidy).",
    )
    sce_basisbedrag_eur_per_kwh: Annotated[
        float | None, bounds("finance.sce_basisbedrag_eur_per_kwh")
    ] = Field(
        default=None,
        description="SCE basisbedrag; default from the tariff data file by the common "
        "connection's size and the decision year (RVO 2024: small 0.124, large 0.109; "
        "later years carried forward).",
    )
    sce_basisenergieprijs_eur_per_kwh: Annotated[
        float | None, bounds("finance.sce_basisenergieprijs_eur_per_kwh")
    ] = Field(
        default=None,
        description="SCE floor of the correctiebedrag of fed-in kWh; default from the tariff "
        "data file by the decision year (RVO: 0.048).",
    )
    sce_market_value_eur_per_kwh: Annotated[
        float | None, bounds("finance.sce_market_value_eur_per_kwh")
    ] = Field(
        default=None,
        description="What a supplier pays the cooperative per fed-in kWh in the first "
        "operating year (RVO's correctiebedrag, set from wholesale prices); default from "
        "the tariff data file by the common connection's size and the rules year.",
    )
    certificate_price_eur: Annotated[float | None, bounds("finance.certificate_price_eur")] = (
        Field(
            default=None,
            description="What a member paid per certificate of the SCE or postcoderoos "
            "scheme, in year 0 of its lifetime NPV, to the cooperative [EUR]; default 0 "
            "(assumed, listed in the run's assumptions).",
        )
    )

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        if isinstance(data, dict) and "sce_connection" in data:
            raise ValueError(
                "'sce_connection' is now 'buildings.common.connection' (the common "
                "connection's size also sets its network tariff and net metering)"
            )
        return data

    export_revenue_to: Literal["owners", "service_costs"] = Field(
        default="owners",
        description="Who gets the value of what the common connection feeds in: the "
        "installation's owners (default), or the tenants through the service costs.",
    )


class Owner(Model):
    """One owner of the installation and its share."""

    owner: str = Field(min_length=1)
    owner_type: OwnerType
    share_frac: Annotated[float, bounds("ownership[].share_frac")]
    vat: VatRegime | None = Field(
        default=None,
        description="How the owner pays VAT: 'exempt' (costs incl. VAT, fees as received) "
        "or 'taxable' (costs excl. VAT, fees and sales net of output VAT); default by "
        "owner type: exempt for a housing corporation, taxable for a cooperative "
        "(energysim.config.owner_types).",
    )


class OwnershipPolicy(Model):
    """Which owner types count as local (domain.md section 6; not settled for corporations)."""

    housing_corporation_local: bool = Field(
        default=False,
        description="Count the housing corporation as local (not settled; default: not local, "
        "as the national monitor does not list it among local owner categories).",
    )
    rule: Literal["community", "any_local"] = Field(
        default="community",
        description="Which local owners count: 'community' (the Participatiemonitor's rule "
        "since 2021: ownership open to the local community, and public bodies) or "
        "'any_local' (also one or a few local parties: a local business, one citizen); "
        "docs/ownership.md.",
    )
