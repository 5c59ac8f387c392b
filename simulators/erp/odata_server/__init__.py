"""A small SAP Gateway-style OData server: query options parsed, rows filtered, shaped and paged, with
SAP's logon, CSRF handshake and v2/v4 error bodies.

It knows nothing of the demo world; the ERP simulator feeds it service roots and entity sets.
"""
