"""The web shop simulator's parts: WooCommerce and wishlist routes, and the shop's tables behind them.

`simulator.py` assembles them; the adapter never imports them.
"""
