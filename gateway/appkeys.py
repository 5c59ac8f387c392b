"""Typed keys for what the composition root stores on the application."""

from aiohttp import web

from .backends import Backends
from .clock import Clock
from .http.admission import Admission
from .http.probe_listener import ProbeListener
from .http.readiness import Readiness
from .live import LiveHub
from .observability.metrics import Metrics
from .observability.systems import Systems
from .reference import ReferenceData
from .security import Security
from .settings import Settings
from .shared import SharedState

SETTINGS_KEY = web.AppKey("settings", Settings)
BACKENDS_KEY = web.AppKey("backends", Backends)
REFERENCE_KEY = web.AppKey("reference", ReferenceData)
SECURITY_KEY = web.AppKey("security", Security)
CLOCK_KEY = web.AppKey("clock", Clock)
METRICS_KEY = web.AppKey("metrics", Metrics)
SYSTEMS_KEY = web.AppKey("systems", Systems)
READINESS_KEY = web.AppKey("readiness", Readiness)
ADMISSION_KEY = web.AppKey("admission", Admission)
PROBES_KEY = web.AppKey("probes", ProbeListener)
SHARED_KEY = web.AppKey("shared", SharedState)  # set only with OMNIGATE_REDIS_URL
SHARED_PORT_KEY = web.AppKey("shared_port", bool)  # one of `serve --workers N`'s workers: ports bound SO_REUSEPORT
LIVE_KEY = web.AppKey("live", LiveHub)  # changes told to handlers and subscribers here and on every replica
