"""`omnigate webhooks register | status`: run against the configured back offices and the ledger the gateway
shares, each failure told in one line naming its system."""

import asyncio
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

from connectors.domain import System
from connectors.errors import ConnectorError, UpstreamRejected
from connectors.subscription_ports import Subscription

from ..backends import Backends, open_backends
from ..settings import Settings
from .registration import Registered, is_ours, register_pos, register_webshop

NO_PUBLIC_URL = ("webhooks register needs OMNIGATE_PUBLIC_URL: the https:// address at which the POS and the web "
                 "shop reach this gateway")


@dataclass(frozen=True)
class Report:
    """A line per system registered, and a line per system that refused or failed (without the prefix)."""

    done: list[str]
    problems: list[str]


def register(settings: Settings) -> int:
    """Exit 2 without the public URL (nothing to register), 1 when a system refused or failed."""
    if settings.public_url is None:
        _fail(NO_PUBLIC_URL)
        return 2
    report = registration(settings, settings.public_url)
    for line in report.done:
        print(line)
    for line in report.problems:
        _fail(line)
    return 1 if report.problems else 0


def registration(settings: Settings, public_url: str) -> Report:
    return asyncio.run(_register(settings, public_url))


def status(settings: Settings) -> int:
    return asyncio.run(_status(settings))


async def register_all(backends: Backends, public_url: str, now: datetime) -> list[Registered | ConnectorError]:
    """Both systems at once; a system that refuses or fails does not keep the other from registering."""
    results = await asyncio.gather(
        register_pos(backends.pos_subscriptions, backends.registrations, public_url, now),
        register_webshop(backends.webshop_webhooks, backends.registrations, public_url, now),
        return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, ConnectorError):
            raise result
    return [r for r in results if isinstance(r, Registered | ConnectorError)]


async def _register(settings: Settings, public_url: str) -> Report:
    async with open_backends(settings) as backends:
        results = await register_all(backends, public_url, datetime.now(UTC))
    report = Report([], [])
    for result in results:
        if isinstance(result, UpstreamRejected):
            report.problems.append(f"{result.system} refused the webhook registration: {_reason(result)}")
        elif isinstance(result, ConnectorError):
            report.problems.append(f"{result.system} did not take the webhook registration: {_reason(result)}")
        else:
            topics = sorted({t for s in result.subscriptions for t in s.topics})
            report.done.append(f"{result.registration.system.value}: registered "
                               f"{result.registration.notification_url} ({result.registration.subscription_id}) "
                               f"for {', '.join(topics)}")
    return report


async def _status(settings: Settings) -> int:
    """One line per subscription each system holds (Omnigate's marked `*`), with the last delivery stored."""
    async with open_backends(settings) as backends:
        listings: list[list[Subscription] | BaseException] = list(await asyncio.gather(
            backends.pos_subscriptions.subscriptions(), backends.webshop_webhooks.webhooks(), return_exceptions=True))
        failed = 0
        for system, listing in zip((System.POS, System.WEBSHOP), listings, strict=True):
            if isinstance(listing, ConnectorError):
                _fail(f"{system.value} did not list its webhook subscriptions: {_reason(listing)}")
                failed += 1
            elif isinstance(listing, BaseException):
                raise listing
            else:
                await _print_system(backends, system, listing)
    return 1 if failed else 0


async def _print_system(backends: Backends, system: System, listing: list[Subscription]) -> None:
    registration = await backends.registrations.get(system)
    delivered = await backends.inbox.last_delivery_at(system)
    url = registration.notification_url if registration else None
    last = f"last delivery {_when(delivered)}"
    if not listing:
        print(f"{system.value}\t(no subscription)\t{last}")
    for subscription in listing:
        mark = "*" if url is not None and is_ours(subscription, url) else " "
        state = "enabled" if subscription.enabled else "disabled"
        print(f"{system.value}{mark}\t{subscription.id}\t{state}\t{subscription.url}\t"
              f"{','.join(subscription.topics)}\t{last}")


def _when(at: datetime | None) -> str:
    return "never" if at is None else at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _reason(error: ConnectorError) -> str:
    """The message without its "system: " prefix, on one line."""
    text = str(error).removeprefix(f"{error.system}: ")
    return " ".join(text.split())


def _fail(line: str) -> None:
    print(f"omnigate: {line}", file=sys.stderr)

