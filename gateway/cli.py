"""`omnigate serve | demo | simulate | export-schema | check-config`."""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .auth.principals import Role
from .settings import SettingsError, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except SettingsError as exc:
        print(f"omnigate: invalid setting: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _serve(args: argparse.Namespace) -> int:
    from .server import serve

    serve(load_settings(config_file=args.config))
    return 0


def _check_config(args: argparse.Namespace) -> int:
    settings = load_settings(config_file=args.config)
    print(f"configuration valid ({settings.env}); gateway would listen on {settings.host}:{settings.port}")
    return 0


def _export_schema(args: argparse.Namespace) -> int:
    from .schema import schema

    sys.stdout.write(schema.as_str() + "\n")
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from connectors.sim.run import run_simulators

    run_simulators(host=args.host, port=args.port, seed=args.seed, scale=args.scale, latency_ms=args.latency_ms)
    return 0


def _demo(args: argparse.Namespace) -> int:
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="omnigate", description="One GraphQL schema over the retail back offices.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the gateway")
    serve.add_argument("--config", type=Path, help="TOML file under the OMNIGATE_* environment variables")
    serve.set_defaults(run=_serve)

    check = commands.add_parser("check-config", help="validate the settings and exit")
    check.add_argument("--config", type=Path)
    check.set_defaults(run=_check_config)

    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.set_defaults(run=_export_schema)

    simulate = commands.add_parser("simulate", help="run the simulated ERP, POS, CRM and web shop")
    simulate.add_argument("--host", default="127.0.0.1")
    simulate.add_argument("--port", type=int, default=8100)
    simulate.add_argument("--seed", type=int, default=42)
    simulate.add_argument("--scale", choices=("small", "default", "large"), default="default")
    simulate.add_argument("--latency-ms", type=int, default=0, help="added to every simulated call")
    simulate.set_defaults(run=_simulate)

    demo = commands.add_parser("demo", help="the gateway on its embedded demo back offices")
    demo.add_argument("--port", type=int, default=8080)
    demo.add_argument("--sim-port", type=int, default=8100)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--scale", choices=("small", "default", "large"), default="default")
    demo.add_argument("--credentials-file", type=Path, help="also write the demo credentials there as JSON")
    demo.set_defaults(run=_demo)

    api_key = commands.add_parser("api-key", help="make a kiosk, partner or router key and its keys file entry")
    api_key.add_argument("--kind", choices=("kiosk", "partner", "router"), required=True)
    api_key.add_argument("--name", required=True)
    api_key.add_argument("--store", help="kiosk: the store code it stands in")
    api_key.add_argument("--scopes", help="partner: comma-separated, from catalog, prices, availability")
    api_key.set_defaults(run=_api_key)

    token = commands.add_parser("token", help="mint a development token (refused in production)")
    token.add_argument("--role", choices=("customer", "staff"), required=True)
    token.add_argument("--subject", required=True, help="customer: the CRM customer id; staff: a staff id")
    token.add_argument("--store", help="staff only: the store code they work in")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires")
    token.set_defaults(run=_token)
    return parser


if __name__ == "__main__":
    sys.exit(main())
