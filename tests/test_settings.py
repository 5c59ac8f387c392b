"""Settings: environment over TOML, demo credentials in development, one clear line when wrong."""

import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import jwt
import pytest

from gateway.auth.api_keys import ApiKeys, load_api_keys
from gateway.auth.minting import DEV_SECRET
from gateway.auth.principals import Principal, Role
from gateway.settings import PREFIX, SETTINGS, Settings, SettingsError, load_settings
from gateway.settings.table import readme_block, settings_table

URLS = {f"OMNIGATE_{s}_URL": f"http://127.0.0.1:8100/{s.lower()}" for s in ("ERP", "POS", "CRM", "WEBSHOP")}
OMNIGATE = [str(Path(sys.executable).parent / "omnigate")]
ROOT = Path(__file__).resolve().parent.parent


def run_omnigate(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The console script, importing this checkout (an editable install may point at another one)."""
    return subprocess.run([*OMNIGATE, *args], env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, timeout=30)


def test_the_readme_configuration_table_is_the_one_generated_from_the_declarations() -> None:
    # given the README's block between the settings markers
    block = readme_block((ROOT / "README.md").read_text(encoding="utf-8"))
    # then it is what `python -m gateway.settings.table` prints, row for row
    assert block == settings_table()


def test_the_table_has_one_row_per_declared_setting_named_by_its_variable() -> None:
    rows = [line.split("|")[1].strip() for line in settings_table().splitlines()[2:]]
    assert rows == [f"`{PREFIX}{name}`" for name in SETTINGS]


def test_every_field_of_settings_is_declared_and_named_as_in_the_toml_file() -> None:
    assert [s.attribute for s in SETTINGS.values()] == [f.name for f in fields(Settings)]
    assert all(s.name == s.attribute.upper() for s in SETTINGS.values())


def test_environment_gives_typed_settings_with_demo_credentials_in_development() -> None:
    settings = load_settings({**URLS, "OMNIGATE_PORT": "9090"})
    assert settings.port == 9090
    assert settings.env == "development"
    assert settings.credentials.pos_token == "demo-pos-token"
    assert settings.erp_url == "http://127.0.0.1:8100/erp"


def test_environment_wins_over_the_toml_file(tmp_path: Path) -> None:
    config = tmp_path / "omnigate.toml"
    config.write_text('port = 7000\npos_token = "from-file"\nerp_url = "http://erp.local:1/x"\n')
    settings = load_settings({**URLS, "OMNIGATE_PORT": "7001"}, config)
    assert settings.port == 7001
    assert settings.credentials.pos_token == "from-file"
    assert settings.erp_url == "http://127.0.0.1:8100/erp"


@pytest.mark.parametrize(("change", "named"), [
    ({"OMNIGATE_POS_URL": None}, "OMNIGATE_POS_URL"),
    ({"OMNIGATE_CRM_URL": "crm.local"}, "OMNIGATE_CRM_URL"),
    ({"OMNIGATE_ENV": "staging"}, "OMNIGATE_ENV"),
    ({"OMNIGATE_PORT": "http"}, "OMNIGATE_PORT"),
    ({"OMNIGATE_MAX_RADIUS_KM": "nan"}, "OMNIGATE_MAX_RADIUS_KM"),
    ({"OMNIGATE_UPSTREAM_TIMEOUT_S": "inf"}, "OMNIGATE_UPSTREAM_TIMEOUT_S"),
    ({"OMNIGATE_ENV": "production"}, "OMNIGATE_ERP_USER"),
])
def test_a_bad_setting_is_named(change: dict[str, str | None], named: str) -> None:
    environ = {k: v for k, v in {**URLS, **change}.items() if v is not None}
    with pytest.raises(SettingsError, match=named):
        load_settings(environ)


@pytest.mark.parametrize("change", [
    {"OMNIGATE_ERP_URL": None}, {"OMNIGATE_WEBSHOP_URL": "ftp://shop"}, {"OMNIGATE_ENV": "prod"},
])
def test_serve_with_a_bad_setting_exits_2_with_one_line(change: dict[str, str | None]) -> None:
    env = {k: v for k, v in {**URLS, **change}.items() if v is not None}
    result = run_omnigate("serve", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert next(iter(change)) in lines[0]


def test_check_config_accepts_good_settings() -> None:
    result = run_omnigate("check-config", env=URLS)
    assert result.returncode == 0, result.stderr
    assert "configuration valid" in result.stdout


PRODUCTION = {**URLS, "OMNIGATE_ENV": "production", "OMNIGATE_ERP_USER": "u", "OMNIGATE_ERP_PASSWORD": "p",
              "OMNIGATE_POS_TOKEN": "t", "OMNIGATE_CRM_TOKEN": "t", "OMNIGATE_WEBSHOP_KEY": "k",
              "OMNIGATE_WEBSHOP_SECRET": "s"}


@pytest.mark.parametrize(("extra", "named"), [
    ({}, ["OMNIGATE_JWT_SECRET or OMNIGATE_JWT_JWKS_URL or OMNIGATE_JWT_JWKS_FILE", "OMNIGATE_API_KEYS_FILE"]),
    ({"OMNIGATE_JWT_SECRET": "a-production-secret-that-is-long-enough!!"}, ["OMNIGATE_API_KEYS_FILE"]),
])
def test_production_without_a_secret_or_key_file_stops_with_a_line_each(extra: dict[str, str],
                                                                         named: list[str]) -> None:
    result = run_omnigate("serve", env={**PRODUCTION, **extra})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"omnigate: invalid setting: {n} is required in production"
                                                  for n in named]


def test_every_problem_is_reported_in_one_run_in_plain_words() -> None:
    env = {k: v for k, v in {**URLS, "OMNIGATE_ERP_URL": None, "OMNIGATE_PORT": "abc", "OMNIGATE_MAX_DEPTH": "-1",
                             "OMNIGATE_UPSTREAM_TIMEOUT_S": "soon", "OMNIGATE_CATALOG_TTL_S": "inf"}.items()
           if v is not None}
    result = run_omnigate("check-config", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"omnigate: invalid setting: {line}" for line in (
        "OMNIGATE_ERP_URL is required but not set",
        "OMNIGATE_PORT: expected a whole number, got 'abc'",
        "OMNIGATE_UPSTREAM_TIMEOUT_S: expected a number, got 'soon'",
        "OMNIGATE_MAX_DEPTH: expected a positive number, got '-1'",
        "OMNIGATE_CATALOG_TTL_S: expected a finite number, got 'inf'")]


def test_stale_bounds_take_0_for_never_and_prices_fall_back_to_the_reference_bound() -> None:
    settings = load_settings({**URLS, "OMNIGATE_STALE_REFERENCE_S": "900", "OMNIGATE_STALE_STOCK_S": "0"})
    assert (settings.price_stale_bound_s, settings.stale_stock_s) == (900, 0)
    assert load_settings({**URLS, "OMNIGATE_STALE_PRICE_S": "60"}).price_stale_bound_s == 60
    with pytest.raises(SettingsError, match="OMNIGATE_STALE_STOCK_S: expected 0 or a positive number of seconds"):
        load_settings({**URLS, "OMNIGATE_STALE_STOCK_S": "-1"})


def test_a_malformed_key_file_stops_start_up_naming_it(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text('{"keys": [{"name": "k", "sha256": "not-a-hash", "kind": "kiosk", "store": "PAR01"}]}')
    env = {**PRODUCTION, "OMNIGATE_JWT_SECRET": "a-production-secret-that-is-long-enough!!",
           "OMNIGATE_API_KEYS_FILE": str(keys)}
    result = run_omnigate("serve", env=env)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("omnigate: invalid setting: OMNIGATE_API_KEYS_FILE:")


PRODUCTION_SECRET = "a-production-secret-that-is-long-enough!!"
PUBLISHED = "is published in this project and refused in production; set your own"


@pytest.fixture
def production(tmp_path: Path) -> dict[str, str]:
    """Production settings that pass: the project's own secret and a keys file."""
    keys = tmp_path / "keys.json"
    keys.write_text('{"keys": []}')
    return {**PRODUCTION, "OMNIGATE_JWT_SECRET": PRODUCTION_SECRET, "OMNIGATE_API_KEYS_FILE": str(keys)}


def test_check_config_accepts_production_with_its_own_secrets(production: dict[str, str]) -> None:
    result = run_omnigate("check-config", env=production)
    assert result.returncode == 0, result.stderr
    assert all(line.startswith("omnigate: warning: ") for line in result.stderr.splitlines())  # unreachable URLs


@pytest.mark.parametrize(("change", "line"), [
    ({"OMNIGATE_JWT_SECRET": DEV_SECRET}, f"OMNIGATE_JWT_SECRET: the development JWT secret {PUBLISHED}"),
    ({"OMNIGATE_JWT_SECRET": "thirty-one-bytes-long-secret!!!"},
     "OMNIGATE_JWT_SECRET: must be at least 32 bytes (RFC 7518 §3.2), got 31"),
    ({"OMNIGATE_ERP_PASSWORD": "demo-erp"}, f"OMNIGATE_ERP_PASSWORD: a demo back-office credential {PUBLISHED}"),
    ({"OMNIGATE_POS_TOKEN": "demo-pos-token"}, f"OMNIGATE_POS_TOKEN: a demo back-office credential {PUBLISHED}"),
    ({"OMNIGATE_CRM_TOKEN": "demo-crm-token"}, f"OMNIGATE_CRM_TOKEN: a demo back-office credential {PUBLISHED}"),
    ({"OMNIGATE_WEBSHOP_KEY": "ck_demo"}, f"OMNIGATE_WEBSHOP_KEY: a demo back-office credential {PUBLISHED}"),
    ({"OMNIGATE_WEBSHOP_SECRET": "cs_demo"}, f"OMNIGATE_WEBSHOP_SECRET: a demo back-office credential {PUBLISHED}"),
])
def test_check_config_refuses_published_or_short_secrets_in_production(
        production: dict[str, str], change: dict[str, str], line: str) -> None:
    result = run_omnigate("check-config", env={**production, **change})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"omnigate: invalid setting: {line}"]


def test_serve_in_production_with_the_development_secret_stops_before_listening(production: dict[str, str]) -> None:
    # given the secret `omnigate token` signs with when none is set (printed in the README)
    environ = {**production, "OMNIGATE_JWT_SECRET": DEV_SECRET, "OMNIGATE_PORT": "0"}
    # when production starts with it
    result = run_omnigate("serve", env=environ)
    # then it stops with one line, so no token minted with it is ever accepted
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"omnigate: invalid setting: OMNIGATE_JWT_SECRET: the development JWT secret {PUBLISHED}"]
    assert "listening" not in result.stdout


def test_development_still_accepts_the_demo_credentials_and_the_development_secret() -> None:
    settings = load_settings({**URLS, "OMNIGATE_JWT_SECRET": DEV_SECRET})
    assert (settings.jwt_secret, settings.credentials.pos_token) == (DEV_SECRET, "demo-pos-token")


def test_token_mints_a_development_token_the_gateway_accepts() -> None:
    result = run_omnigate("token", "--role", "staff", "--subject", "s-1", "--store", "PAR01", env={})
    assert result.returncode == 0, result.stderr
    claims = jwt.decode(result.stdout.strip(), DEV_SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["role"], claims["store"]) == ("s-1", "staff", "PAR01")


def test_token_refuses_to_run_in_production() -> None:
    result = run_omnigate("token", "--role", "customer", "--subject", "003", env={"OMNIGATE_ENV": "production"})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "production" in result.stderr


def test_api_key_makes_a_router_key_whose_entry_the_gateway_loads(tmp_path: Path) -> None:
    result = run_omnigate("api-key", "--kind", "router", "--name", "apollo-router", env={})
    assert result.returncode == 0, result.stderr
    comment, entry = result.stdout.split("\n", 1)
    keys = tmp_path / "keys.toml"
    keys.write_text(entry)
    key = comment.rsplit(" ", 1)[1]
    assert ApiKeys(load_api_keys(keys)).authenticate(key) == Principal(Role.ROUTER, subject="apollo-router")
