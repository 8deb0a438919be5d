"""Design a scheme that works for everyone: prices, keys, size and local ownership.

``energysim design SCENARIO`` and :func:`~energysim.design.plan.design_scenario` answer
what would make a scenario work: the prices that pay for the roof while households gain
(:mod:`~energysim.design.prices`), the best static sharing key per tier
(:mod:`~energysim.design.keys`), the right size (:mod:`~energysim.design.sizing`) and
enough local ownership (:mod:`~energysim.design.local`), all on the library's own
simulation and money model; :mod:`~energysim.design.plan` puts them together. See
docs/design.md.
"""
