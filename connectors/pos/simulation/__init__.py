"""The POS simulator's parts: one module per Square API and the books behind them.

Only `connectors/pos/simulator.py` and the simulator tests import them; the adapter never does.
"""
