"""Test doubles of the back offices, for the demo and the tests; never imported by the production gateway.

One folder per system (`erp/`, `pos/`, `crm/`, `webshop/`), each an aiohttp app speaking the vendor's API
subset that its contract sheet describes; `world/` is the seeded demo world they share; `host.py` serves all
four on one port with `/_sim/` stats, faults and traceparents. What only they need is the `demo` extra.
"""
