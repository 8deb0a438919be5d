"""How a building's generation is shared: the allocation kernels, a building's
waterfall, the interval flows, batteries and their dispatch.

Imports the layers below it: core, config, inputs.
"""
