"""Weather for the simulation year: the embedded Dutch year, readers of weather files,
and the sun they share.

Every source gives a DataFrame with a tz-aware DatetimeIndex labelling the **start** of
each interval and the columns ``ghi``, ``dni``, ``dhi`` [W/m2, mean over the interval],
``temp_air`` [degC] and ``wind_speed`` [m/s] (pvlib names,
:data:`energysim.inputs.weather.readers.COLUMNS`).

- :mod:`energysim.inputs.weather.sun`: the sun at a site: solar position (cached), clear-sky
  irradiance, the split of GHI into DNI and DHI.
- :mod:`energysim.inputs.weather.embedded`: the embedded Dutch year, generated without
  network from statistics of KNMI station years.
- :mod:`energysim.inputs.weather.readers`: weather files (EPW, PVGIS TMY, KNMI uurgeg,
  plain CSV).
- :mod:`energysim.inputs.weather.to_year`: a file's frame onto the simulation axis.
"""
