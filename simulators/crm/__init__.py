"""The CRM simulator's parts: the Salesforce endpoints, the SOQL engine and the org's data.

`simulator.py` assembles them; the adapter never imports them.
"""
