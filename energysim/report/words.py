"""The words of the board report, in Dutch and English (the same keys in each).

A cooperative's board or a corporation's committee reads the report on paper, so every
word it prints is here; amounts and numbers are written the way each language writes
them by :mod:`energysim.results.statement_words` (``€ 1.234,56`` / ``€1,234.56``).
"""

from __future__ import annotations

from energysim.results.statement_words import expect_language

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Zonnestroom op {scenario}: wat het oplevert",
        "meta": "Jaar {year} · gemaakt op {date} · energysim {energysim} · rekenrun {hash}",
        "answer.head": "Het antwoord in het kort",
        "answer.total": "De huishoudens winnen samen {total} per jaar ({year}).",
        "answer.group": "{group}: {count} huishoudens, de helft wint meer dan {median} per jaar; "
        "de meesten (van het 10e tot het 90e percentiel) tussen {p10} en {p90}.",
        "answer.all_gain": "Elk deelnemend huishouden gaat erop vooruit.",
        "answer.not_all": "Niet elk deelnemend huishouden gaat erop vooruit: {count} gaan erop "
        "achteruit (het minst: {least} per jaar).",
        "answer.owners": "De eigenaren van het dak: netto contante waarde samen {npv} over de "
        "looptijd ({owners}).",
        "answer.local": "Lokaal eigendom van dit dak: {share} (doel Klimaatakkoord: 50%).",
        "group.tenant": "Huurders die meedoen",
        "group.tenant_out": "Huurders die niet meedoen (alleen via de servicekosten)",
        "group.member": "Leden uit de buurt",
        "group.common": "Algemene installaties",
        "flows.head": "Waar de stroom van het dak naartoe gaat",
        "flows.caption": "Opwek van het dak in een jaar ({total} kWh) en waar die heen gaat.",
        "flows.roof": "Dak",
        "flows.common": "Algemene installaties",
        "flows.tenants": "Huurders",
        "flows.members": "Leden",
        "flows.grid": "Net (teruglevering)",
        "flows.battery_losses": "Verlies in batterijen",
        "flows.where": "Naar",
        "flows.kwh": "kWh per jaar",
        "flows.share": "Deel",
        "benefit.head": "Voordeel per huishouden",
        "benefit.caption": "Voordeel per huishouden per jaar in euro's, per groep: elke stip is "
        "een huishouden, de doos loopt van het 25e tot het 75e percentiel.",
        "benefit.axis": "voordeel per jaar (€)",
        "benefit.group": "Groep",
        "benefit.count": "Huishoudens",
        "benefit.median": "Mediaan",
        "benefit.p10": "10e perc.",
        "benefit.p90": "90e perc.",
        "benefit.least": "Het minst",
        "benefit.gaining": "Gaat erop vooruit",
        "owners.head": "De eigenaren",
        "owners.caption": "Per eigenaar: investering, het eerste jaar en de looptijd "
        "(netto contante waarde tegen de disconteringsvoet van het scenario).",
        "owners.owner": "Eigenaar",
        "owners.share": "Aandeel",
        "owners.capex": "Investering",
        "owners.net_year1": "Netto jaar 1",
        "owners.npv": "Netto contante waarde",
        "owners.irr": "Rendement (IRR)",
        "owners.payback": "Terugverdientijd",
        "owners.years": "{years} jaar",
        "owners.never": "niet binnen de looptijd",
        "local.head": "Lokaal eigendom",
        "local.text": "Van dit dak is {share} in lokaal eigendom: {rule}. Het "
        "Klimaatakkoord streeft naar 50% lokaal eigendom van nieuwe wind- en zonneprojecten op "
        "land; daken tot 15 kW vallen daarbuiten in de Participatiemonitor.",
        "rule.community": "meegeteld wordt eigendom dat openstaat voor de lokale gemeenschap, "
        "zoals een energiecoöperatie (de regel van de Participatiemonitor sinds 2021)",
        "rule.any_local": "meegeteld wordt elke lokale eigenaar, ook een woningcorporatie (de "
        "eerste Participatiemonitor, 2020)",
        "design.head": "Ontwerpadvies",
        "design.left_out": "Niet opgenomen in dit rapport (het ontwerp is niet doorgerekend).",
        "design.changes": "Het advies verandert dit aan het scenario:",
        "design.pays": "Met deze prijzen verdienen de eigenaren het dak terug: netto contante "
        "waarde {npv}; de huishoudens winnen samen {households} over de looptijd, het minst "
        "{least}.",
        "design.short": "Geen wettelijke combinatie van prijzen verdient het dak terug: er "
        "ontbreekt {shortfall} ({frac} van de investering), bijvoorbeeld als subsidie.",
        "design.time": "Het ontwerp kostte {seconds} seconden rekenen.",
        "assumptions.head": "Aannames en schattingen",
        "assumptions.caption": "De cijfers die deze berekening aanneemt of schat, met hun bron "
        "(zoals de rekenkern die vastlegt, in het Engels). Een schatting is niet gepubliceerd "
        "voor dit jaar; een lezing van de wet is onze uitleg van een regel die nog niet "
        "vaststaat.",
        "assumptions.figure": "Cijfer",
        "assumptions.value": "Waarde",
        "assumptions.year": "Jaar",
        "assumptions.status": "Soort",
        "assumptions.source": "Bron",
        "status.estimate": "schatting",
        "status.reading": "lezing van de wet",
        "status.default": "standaard",
        "status.assumption": "aanname",
        "status.published": "gepubliceerd",
        "footer": "{scenario} · pagina {page}",
    },
    "en": {
        "title": "Solar power on {scenario}: what it brings",
        "meta": "Year {year} · made on {date} · energysim {energysim} · run {hash}",
        "answer.head": "The answer in short",
        "answer.total": "Households gain {total} a year together ({year}).",
        "answer.group": "{group}: {count} households, half gain more than {median} a year; "
        "most (10th to 90th percentile) between {p10} and {p90}.",
        "answer.all_gain": "Every participating household gains.",
        "answer.not_all": "Not every participating household gains: {count} lose (the least: "
        "{least} a year).",
        "answer.owners": "The roof's owners: net present value together {npv} over the lifetime "
        "({owners}).",
        "answer.local": "Local ownership of this roof: {share} (Klimaatakkoord target: 50%).",
        "group.tenant": "Participating tenants",
        "group.tenant_out": "Tenants who do not take part (through service costs only)",
        "group.member": "Neighbourhood members",
        "group.common": "Common installations",
        "flows.head": "Where the roof's power goes",
        "flows.caption": "The roof's generation in a year ({total} kWh) and where it goes.",
        "flows.roof": "Roof",
        "flows.common": "Common installations",
        "flows.tenants": "Tenants",
        "flows.members": "Members",
        "flows.grid": "Grid (export)",
        "flows.battery_losses": "Battery losses",
        "flows.where": "To",
        "flows.kwh": "kWh a year",
        "flows.share": "Share",
        "benefit.head": "Benefit per household",
        "benefit.caption": "Benefit per household per year in euros, per group: each dot is a "
        "household, the box runs from the 25th to the 75th percentile.",
        "benefit.axis": "benefit a year (€)",
        "benefit.group": "Group",
        "benefit.count": "Households",
        "benefit.median": "Median",
        "benefit.p10": "10th pct.",
        "benefit.p90": "90th pct.",
        "benefit.least": "Least",
        "benefit.gaining": "Gains",
        "owners.head": "The owners",
        "owners.caption": "Per owner: investment, the first year and the lifetime (net present "
        "value at the scenario's discount rate).",
        "owners.owner": "Owner",
        "owners.share": "Share",
        "owners.capex": "Investment",
        "owners.net_year1": "Net year 1",
        "owners.npv": "Net present value",
        "owners.irr": "Return (IRR)",
        "owners.payback": "Payback",
        "owners.years": "{years} years",
        "owners.never": "not within the lifetime",
        "local.head": "Local ownership",
        "local.text": "{share} of this roof is locally owned: {rule}. The "
        "Klimaatakkoord aims at 50% local ownership of new wind and solar projects on land; "
        "roofs up to 15 kW are outside the Participatiemonitor's scope.",
        "rule.community": "counted is ownership open to the local community, such as an energy "
        "cooperative (the Participatiemonitor's rule since 2021)",
        "rule.any_local": "counted is any local owner, a housing corporation too (the first "
        "Participatiemonitor, 2020)",
        "design.head": "Design advice",
        "design.left_out": "Not included in this report (the design was not computed).",
        "design.changes": "The advice changes this in the scenario:",
        "design.pays": "At these prices the owners earn the roof back: net present value {npv}; "
        "households gain {households} together over the lifetime, the least {least}.",
        "design.short": "No legal combination of prices earns the roof back: {shortfall} is "
        "missing ({frac} of the investment), for example as a subsidy.",
        "design.time": "The design took {seconds} seconds to compute.",
        "assumptions.head": "Assumptions and estimates",
        "assumptions.caption": "The figures this run assumes or estimates, with their source. "
        "An estimate is not published for this year; a reading of the law is our reading of "
        "a rule that is not settled.",
        "assumptions.figure": "Figure",
        "assumptions.value": "Value",
        "assumptions.year": "Year",
        "assumptions.status": "Kind",
        "assumptions.source": "Source",
        "status.estimate": "estimate",
        "status.reading": "reading of the law",
        "status.default": "default",
        "status.assumption": "assumption",
        "status.published": "published",
        "footer": "{scenario} · page {page}",
    },
}


def words(lang: str) -> dict[str, str]:
    """The report's words in ``lang`` (``nl`` or ``en``; another raises ValueError)."""
    return WORDS[expect_language(lang)]
