"""energysim: energy communities on Dutch housing-corporation buildings.

PV yield (pvlib) -> allocation between common installations, tenants and
neighbourhood members -> money per household under Dutch rules -> local ownership.
"""

from __future__ import annotations

__version__ = "0.1.0"
