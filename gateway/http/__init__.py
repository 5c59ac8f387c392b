"""What the gateway does to every HTTP exchange: who the client is, compression."""
