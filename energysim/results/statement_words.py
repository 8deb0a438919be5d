"""The words of a participant's statement, in Dutch and English, and its amounts written
the way each language writes them (``€ 1.234,56`` and ``€1,234.56``).

The statement (:mod:`energysim.results.statement_pdf`) is read by a household, so every
word it prints is here in both languages (:data:`WORDS`, the same keys in each); the
paragraph on how the figures were computed and which are estimates is written from the
run's own assumptions (:func:`method_paragraph`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LANGUAGES = ("nl", "en")
"""The languages a statement is written in."""

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Jaaroverzicht zonnestroom {year}",
        "for": "Voor: {who} {pid}",
        "role.tenant": "huurder",
        "role.member": "lid uit de buurt",
        "role.common": "de gemeenschappelijke aansluiting (algemene installaties) van",
        "scenario": "Project: {scenario} ({description})",
        "version": "Versie {version} · rekenrun {hash} · energysim {energysim}",
        "share.head": "Uw deel van het dak",
        "share.key": "Verdeelsleutel: {key}",
        "share.roof": "Deel van de opbrengst van het dak: {roof} · deel van wat uw groep "
        "deelde: {tier}",
        "energy.used": "Verbruikt",
        "energy.own": "Eigen panelen achter uw meter",
        "energy.shared": "Gedeeld van het dak",
        "energy.grid": "Van het net",
        "energy.export": "Teruggeleverd door uw panelen",
        "months.head": "kWh van het dak per maand",
        "months": "jan,feb,mrt,apr,mei,jun,jul,aug,sep,okt,nov,dec",
        "total": "Totaal",
        "bill.head": "Uw energierekening over het jaar",
        "bill.line": "Post",
        "bill.without": "Zonder regeling",
        "bill.with": "Met regeling",
        "bill.difference": "Verschil",
        "line.supply": "Levering (excl. btw)",
        "line.energy_tax": "Energiebelasting (excl. btw)",
        "line.vat": "Btw op levering en energiebelasting",
        "line.network": "Netbeheer (incl. btw)",
        "line.rebate": "Belastingvermindering (incl. btw)",
        "line.feed_in": "Terugleververgoeding",
        "line.feed_in_cost": "Terugleverkosten (incl. btw)",
        "benefit.head": "Wat het u dit jaar oplevert",
        "benefit.bill": "Lagere energierekening",
        "benefit.service": "Verandering servicekosten (uw deel van de besparing)",
        "benefit.payout": "Uitkering van de coöperatie",
        "benefit.refund": "Teruggave energiebelasting",
        "benefit.panel_fee": "Vergoeding voor de panelen",
        "benefit.sharing_fee": "Prijs voor de gedeelde kWh",
        "benefit.total": "Uw voordeel dit jaar",
        "common.head": "Wat de regeling de servicekosten oplevert",
        "common.bill": "Lagere rekening van de gemeenschappelijke aansluiting",
        "common.fee": "Prijs voor de stroom van het dak aan de eigenaren",
        "common.passed": "Doorgegeven aan de huurders via de servicekosten",
        "method.head": "Hoe is dit berekend?",
        "estimates.head": "Geschatte bedragen in deze berekening",
        "footer": "Overzicht {scenario}/{pid}, versie {version}. Een correctie krijgt een nieuw "
        "versienummer; noem bij vragen de versie en de rekenrun.",
        "key.proportional": "naar verbruik: ieder kwartier naar rato van wat u gebruikt",
        "key.static": "vaste percentages per kwartier",
        "key.equal": "gelijke delen, wat iemand niet gebruikt gaat naar de anderen",
        "key.schedule": "percentages volgens een vooraf vastgesteld rooster",
        "tier.common": "de algemene installaties",
        "tier.tenants": "de huurders",
        "tier.members": "de leden uit de buurt",
    },
    "en": {
        "title": "Solar statement for {year}",
        "for": "For: {who} {pid}",
        "role.tenant": "tenant",
        "role.member": "neighbourhood member",
        "role.common": "the common connection (common installations) of",
        "scenario": "Project: {scenario} ({description})",
        "version": "Version {version} · run {hash} · energysim {energysim}",
        "share.head": "Your share of the roof",
        "share.key": "Sharing key: {key}",
        "share.roof": "Share of the roof's yield: {roof} · share of what your group shared: {tier}",
        "energy.used": "Used",
        "energy.own": "Own panels behind your meter",
        "energy.shared": "Shared from the roof",
        "energy.grid": "From the grid",
        "energy.export": "Fed in by your panels",
        "months.head": "kWh from the roof per month",
        "months": "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec",
        "total": "Total",
        "bill.head": "Your electricity bill for the year",
        "bill.line": "Item",
        "bill.without": "Without the scheme",
        "bill.with": "With the scheme",
        "bill.difference": "Difference",
        "line.supply": "Supply (excl. VAT)",
        "line.energy_tax": "Energy tax (excl. VAT)",
        "line.vat": "VAT on supply and energy tax",
        "line.network": "Network charge (incl. VAT)",
        "line.rebate": "Tax rebate (incl. VAT)",
        "line.feed_in": "Feed-in compensation",
        "line.feed_in_cost": "Feed-in costs (incl. VAT)",
        "benefit.head": "What it gives you this year",
        "benefit.bill": "Lower electricity bill",
        "benefit.service": "Service-cost change (your share of the saving)",
        "benefit.payout": "Payout by the cooperative",
        "benefit.refund": "Energy tax refunded",
        "benefit.panel_fee": "Fee for the panels",
        "benefit.sharing_fee": "Price of the shared kWh",
        "benefit.total": "Your benefit this year",
        "common.head": "What the scheme gives the service costs",
        "common.bill": "Lower bill of the common connection",
        "common.fee": "Price of the roof's electricity paid to the owners",
        "common.passed": "Passed on to the tenants through the service costs",
        "method.head": "How was this computed?",
        "estimates.head": "Estimated figures in this computation",
        "footer": "Statement {scenario}/{pid}, version {version}. A correction gets a new "
        "version number; quote the version and the run when you ask about it.",
        "key.proportional": "by consumption: every quarter hour in proportion to what you use",
        "key.static": "fixed percentages per quarter hour",
        "key.equal": "equal shares, what one does not use goes to the others",
        "key.schedule": "percentages from a schedule set in advance",
        "tier.common": "the common installations",
        "tier.tenants": "the tenants",
        "tier.members": "the neighbourhood members",
    },
}

FIGURES: dict[str, dict[str, str]] = {
    "nl": {
        "supply_price_excl_vat_eur_per_kwh": "leveringsprijs",
        "energy_tax_excl_vat_eur_per_kwh": "energiebelasting",
        "energy_tax_bracket2_excl_vat_eur_per_kwh": "energiebelasting schijf 2",
        "bracket1_limit_kwh": "grens schijf 1",
        "vat_frac": "btw",
        "tax_rebate_excl_vat_eur_per_yr": "belastingvermindering",
        "network_charge_incl_vat_eur_per_yr": "netbeheerkosten",
        "feed_in_cost_incl_vat_eur_per_kwh": "terugleverkosten",
        "feed_in_compensation_excl_vat_eur_per_kwh": "terugleververgoeding",
    },
    "en": {
        "supply_price_excl_vat_eur_per_kwh": "supply price",
        "energy_tax_excl_vat_eur_per_kwh": "energy tax",
        "energy_tax_bracket2_excl_vat_eur_per_kwh": "energy tax bracket 2",
        "bracket1_limit_kwh": "bracket 1 limit",
        "vat_frac": "VAT",
        "tax_rebate_excl_vat_eur_per_yr": "tax rebate",
        "network_charge_incl_vat_eur_per_yr": "network charge",
        "feed_in_cost_incl_vat_eur_per_kwh": "feed-in costs",
        "feed_in_compensation_excl_vat_eur_per_kwh": "feed-in compensation",
    },
}
"""The names of the tariff figures a household meets on its bill; others keep their code
name."""


def expect_language(lang: str) -> str:
    """``lang`` when it is a language energysim writes its papers in (:data:`LANGUAGES`:
    statements and the board report).

    Raises
    ------
    ValueError
        Another language, named as the ``--lang`` option.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"--lang: expected one of {', '.join(LANGUAGES)}, found {lang!r}")
    return lang


def words(lang: str) -> dict[str, str]:
    """The words of a statement in ``lang`` (``nl`` or ``en``; another raises ValueError)."""
    return WORDS[expect_language(lang)]


def number(value: float, decimals: int, lang: str) -> str:
    """A number with thousands separators: ``1.234,5`` (nl) or ``1,234.5`` (en)."""
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def euro(value: float, lang: str) -> str:
    """An amount in euros with cents, the sign first as the dashboard writes it: ``€ 1.234,56``
    / ``-€ 5,00`` (nl), ``-€1,234.56`` (en)."""
    sign = "-" if round(value, 2) < 0 else ""
    body = number(abs(value), 2, lang)
    return f"{sign}€ {body}" if lang == "nl" else f"{sign}€{body}"


def percent(frac: float, lang: str) -> str:
    """A fraction as a percentage with one decimal (``12,5%`` / ``12.5%``)."""
    return f"{number(100.0 * frac, 1, lang)}%"


def key_words(method: str, lang: str) -> str:
    """A sharing key in words; a key without words keeps its method's name."""
    return WORDS[lang].get(f"key.{method}", method)


UNITS: dict[str, dict[str, str]] = {
    "nl": {"EUR/kWh": "€/kWh", "EUR/yr": "€/jaar", "kWh/yr": "kWh/jaar"},
    "en": {"EUR/kWh": "€/kWh", "EUR/yr": "€/yr", "kWh/yr": "kWh/yr"},
}
"""The units of the tariff figures as a statement writes them (the first word of a
figure's unit)."""


def _estimate(item: Mapping[str, Any], lang: str) -> str:
    name = FIGURES[lang][str(item["figure"])]
    value = float(item["value"])
    unit = str(item.get("unit", "")).split(" ")[0]
    if unit == "-":
        shown = percent(value, lang).replace(",0%", "%").replace(".0%", "%")
    else:
        decimals = 5 if abs(value) < 1 else 2
        shown = number(value, decimals, lang).rstrip("0").rstrip(",.")
        shown = f"{shown} {UNITS[lang].get(unit, unit)}"
    carried = item.get("from_year")
    if carried is not None and carried != item.get("year"):
        when = f" ({carried} doorgetrokken)" if lang == "nl" else f" ({carried} carried forward)"
    else:
        when = " (onze schatting)" if lang == "nl" else " (our estimate)"
    return f"{name} {shown}{when}"


def estimate_lines(assumptions: Sequence[Mapping[str, Any]], lang: str) -> list[str]:
    """The run's estimated figures of a household's bill (status ``estimate``, a figure of
    :data:`FIGURES`) as short lines, in ``lang``; the owners' estimates are the run's."""
    return [
        _estimate(a, lang)
        for a in assumptions
        if a.get("status") == "estimate" and a.get("figure") in FIGURES[lang]
    ]


SENTENCES: dict[str, dict[str, str]] = {
    "nl": {
        "run": "Dit overzicht is een berekening met energysim {energysim} voor het jaar {year}, "
        "met {use} en de opbrengst van het dak uit {sun}.",
        "use.measured": "gemeten verbruik",
        "use.household": "een geschat verbruiksprofiel voor een huishouden als het uwe (niet "
        "uw meterstanden)",
        "use.common": "het opgegeven jaarverbruik van de algemene installaties (een schatting)",
        "sun.embedded": "een gemiddeld Nederlands weerjaar",
        "sun.file": "het opgegeven weer",
        "order": "Ieder kwartier gaat de stroom van het dak eerst naar {order}; binnen een "
        "groep volgens de verdeelsleutel, nooit meer dan iemand op dat moment gebruikt. Wat "
        "niemand gebruikt, gaat het net op.",
        "bills": "De rekening zonder regeling is wat u zou betalen als al uw stroom van het "
        "net kwam; de rekening met regeling rekent de kWh van het dak af.",
        "own": "Wat uw eigen panelen achter uw meter leveren, haalt u niet van het net: "
        "daarover betaalt u geen energiebelasting.",
        "taxed": "Over gedeelde kWh betaalt u wel energiebelasting en btw: delen vervangt "
        "alleen de leveringsprijs (Wet belastingen op milieugrondslag art. 50).",
        "exempt": "Gedeelde kWh zijn hier zonder energiebelasting gerekend: een wat-als, "
        "niet de wet.",
        "common": "De stroom van het dak gebruikt de aansluiting achter haar eigen meter; de "
        "besparing gaat via de servicekosten tegen de werkelijke kosten naar de huurders, "
        "verdeeld {key} (Huurcommissie).",
        "key.per_dwelling": "per woning",
        "key.floor_area": "naar vloeroppervlak",
        "service": "Uw servicekosten dalen met uw deel van de besparing op de "
        "gemeenschappelijke aansluiting.",
        "tariffs": "De tarieven hieronder zijn geschat waar ze voor dit jaar nog niet "
        "gepubliceerd zijn; uw eigen contract kan anders zijn.",
    },
    "en": {
        "run": "This statement is a computation by energysim {energysim} for the year {year}, "
        "with {use} and the roof's yield from {sun}.",
        "use.measured": "measured consumption",
        "use.household": "an estimated consumption profile for a household like yours (not "
        "your meter readings)",
        "use.common": "the given annual consumption of the common installations (an estimate)",
        "sun.embedded": "an average Dutch weather year",
        "sun.file": "the given weather",
        "order": "Every quarter hour the roof's electricity goes first to {order}; within a "
        "group by the sharing key, never more than someone uses at that moment. What nobody "
        "uses is fed into the grid.",
        "bills": "The bill without the scheme is what you would pay if all your electricity "
        "came from the grid; the bill with the scheme takes off the kWh from the roof.",
        "own": "What your own panels behind your meter give you is not taken from the grid: "
        "no energy tax is due on it.",
        "taxed": "You still pay energy tax and VAT on shared kWh: sharing replaces the supply "
        "price only (Wet belastingen op milieugrondslag art. 50).",
        "exempt": "Shared kWh are counted here without energy tax: a what-if, not the law.",
        "common": "The common connection uses the roof's electricity behind its own meter; the "
        "saving reaches the tenants through the service costs at actual cost, split {key} "
        "(Huurcommissie).",
        "key.per_dwelling": "per dwelling",
        "key.floor_area": "by floor area",
        "service": "Your service costs fall by your share of the common connection's saving.",
        "tariffs": "The tariffs below are estimated where this year's are not published yet; "
        "your own contract may differ.",
    },
}
"""The sentences of the paragraph on how a statement was computed."""


def method_paragraph(facts: Mapping[str, Any], lang: str, row: Mapping[str, Any]) -> str:
    """How a statement's figures were computed, in plain words.

    Parameters
    ----------
    facts : mapping
        ``year``, ``energysim``, ``measured`` (whether consumption is measured),
        ``weather`` (the weather source), ``order`` (the tiers in order), ``taxed``
        (whether shared kWh carry energy tax), ``service_cost_key``.
    lang : {"nl", "en"}
    row : mapping
        The participant's statement row (its role, own string, shared kWh, service costs).
    """
    w, t = WORDS[lang], SENTENCES[lang]
    role = str(row["role"])
    if facts["measured"]:
        use = t["use.measured"]
    else:
        use = t["use.common" if role == "common" else "use.household"]
    sun = t["sun.embedded" if facts["weather"] == "embedded" else "sun.file"]
    order = ", ".join(w[f"tier.{tier}"] for tier in facts["order"])
    parts = [
        t["run"].format(energysim=facts["energysim"], year=facts["year"], use=use, sun=sun),
        t["order"].format(order=order),
        t["bills"],
    ]
    if role == "common":
        parts.append(t["common"].format(key=t[f"key.{facts['service_cost_key']}"]))
    else:
        if float(row["own_string_kwh"]) > 0:
            parts.append(t["own"])
        if float(row["shared_kwh"]) > 0:
            parts.append(t["taxed" if facts["taxed"] else "exempt"])
        if float(row["service_cost_saving_eur"]) != 0:
            parts.append(t["service"])
    parts.append(t["tariffs"])
    return " ".join(parts)
