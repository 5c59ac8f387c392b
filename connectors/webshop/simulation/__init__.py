"""The web shop simulator's parts: WooCommerce and wishlist routes, and the shop's tables behind them.

Only `connectors/webshop/simulator.py` and the simulator tests import them; the adapter never does.
"""
