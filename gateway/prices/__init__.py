"""The gateway's own view of every system's prices, kept in memory for the price audit."""
