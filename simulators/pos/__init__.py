"""The POS simulator's parts: one module per Square API and the books behind them.

`simulator.py` assembles them; the adapter never imports them.
"""
