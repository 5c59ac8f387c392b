"""What keeps one slow or failing back office from taking the gateway down with it.

Each module has one job, and `connectors.http.UpstreamClient` composes them around every call:
- `deadline`: the request's one time budget, carried in a contextvar, capping every call, retry and wait;
- `retry`: which failures of a read are worth another attempt, when, and a per-system retry budget;
- `breaker`: stop calling a system whose calls mostly fail, and find out when it is back;
- `bulkhead`: at most N calls in flight per system, so one hanging system cannot take every connection;
- `window`: the sliding time window the breaker and the retry budget count in;
- `policy`: the tunables of all of them, one frozen value built once from the settings;
- `snapshot`: what each system's client reports about itself (for `/status` and `/metrics`).
"""
