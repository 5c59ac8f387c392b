# Omnigate's container image. Build: `docker build -t omnigate .` (the production image, the last stage) or
# `docker build --target demo -t omnigate-demo .` (the same plus the demo extra, for `omnigate simulate`).
# The install commands below are the ones tests/test_production_install.py runs; CI lints this file with hadolint.

# --- build: the wheel of this checkout (pure Python, so pip needs no compiler) ---
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY connectors ./connectors
COPY simulators ./simulators
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# --- venv: the wheel and its dependencies with the OTLP exporter (no demo extra), in a venv without pip ---
FROM build AS venv
RUN python -m venv --without-pip /opt/omnigate \
 && wheel=$(ls /wheels/omnigate-*.whl) \
 && python -m pip --python /opt/omnigate/bin/python install --no-cache-dir "${wheel}[otlp]"

# --- venv-demo: the same with the demo extra (the simulators' seeded world) ---
FROM venv AS venv-demo
RUN wheel=$(ls /wheels/omnigate-*.whl) \
 && python -m pip --python /opt/omnigate/bin/python install --no-cache-dir "${wheel}[otlp,demo]"

# --- base: what both images run on: no pip, setuptools or wheel, a user without a shell, no home ---
FROM python:3.11-slim-bookworm AS base
RUN python -m pip uninstall --yes --no-cache-dir pip setuptools wheel \
 && groupadd --system --gid 10001 omnigate \
 && useradd --system --uid 10001 --gid omnigate --no-create-home --shell /usr/sbin/nologin omnigate \
 && mkdir -p /var/lib/omnigate && chown omnigate:omnigate /var/lib/omnigate
ENV PATH=/opt/omnigate/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OMNIGATE_HOST=0.0.0.0 \
    OMNIGATE_PORT=8080 \
    OMNIGATE_LEDGER_PATH=/var/lib/omnigate/ledger.sqlite3
WORKDIR /var/lib/omnigate
EXPOSE 8080 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-m", "gateway.http.healthcheck"]
ENTRYPOINT ["omnigate"]

# --- demo: `docker run omnigate-demo simulate --host 0.0.0.0 --port 8100`, or `serve` beside it ---
FROM base AS demo
COPY --from=venv-demo /opt/omnigate /opt/omnigate
USER 10001:10001
CMD ["serve", "--workers", "1"]

# --- runtime (the default target): `omnigate serve`, one process; scale by replicas ---
FROM base AS runtime
COPY --from=venv /opt/omnigate /opt/omnigate
USER 10001:10001
CMD ["serve", "--workers", "1"]
