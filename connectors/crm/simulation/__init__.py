"""The CRM simulator's parts: the Salesforce endpoints, the SOQL engine and the org's data.

Only `connectors/crm/simulator.py` and the simulator tests import them; the adapter never does.
"""
