"""OpenAPI documents of the simulated APIs, built from each simulator's route table."""
