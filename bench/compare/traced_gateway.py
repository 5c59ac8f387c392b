"""One gateway process exporting every span to an in-memory exporter through the SDK's batch processor, as
bench/tracing.py measures it: what tracing costs when it is on."""

import sys

from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.cli import main
from gateway.telemetry import add_span_exporter

if __name__ == "__main__":
    add_span_exporter(InMemorySpanExporter(), BatchSpanProcessor)
    sys.exit(main(["serve", "--workers", "1"]))
