"""The HTTP edge of the gateway: probes and status, and how connections and request bodies are bounded."""
