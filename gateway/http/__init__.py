"""The HTTP edge of the gateway: probes and status, who the client is, how connections and bodies are bounded,
compression."""
