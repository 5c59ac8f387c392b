"""What operators see of a running gateway: per-request records, Prometheus metrics, JSON logs, system states.

Tracing lives in `gateway/telemetry.py`; admission control in `gateway/http/admission.py`.
"""
