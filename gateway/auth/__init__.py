"""Who is asking: principals from JWTs and API keys, and what each may see."""
