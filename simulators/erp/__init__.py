"""The ERP simulator's parts; `simulator.py` assembles them.

`odata_server/` is a generic SAP Gateway-style OData engine that knows nothing of the demo world;
`world` is the ERP's records of the world and `services` the service roots that serve them.
"""
