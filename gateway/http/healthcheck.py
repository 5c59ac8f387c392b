"""`python -m gateway.http.healthcheck`: the container image's HEALTHCHECK, exit 0 when `/healthz` answers 200.

The slim base image has no curl; this needs only the standard library and the environment (no settings file, no
back office), and asks the probe port when one is set, as Kubernetes' probes do.
"""

import os
import sys
import urllib.error
import urllib.request

TIMEOUT_S = 2.0


def healthz_url(environ: dict[str, str]) -> str:
    port = environ.get("OMNIGATE_PROBE_PORT") or environ.get("OMNIGATE_PORT") or "8080"
    return f"http://127.0.0.1:{port}/healthz"


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


if __name__ == "__main__":
    sys.exit(0 if healthy(healthz_url(dict(os.environ))) else 1)
