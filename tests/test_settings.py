"""Settings: environment over TOML, demo credentials in development, one clear line when wrong."""

import subprocess
import sys
from pathlib import Path

import jwt
import pytest

from gateway.auth.minting import DEV_SECRET
from gateway.settings import SettingsError, load_settings

URLS = {f"OMNIGATE_{s}_URL": f"http://127.0.0.1:8100/{s.lower()}" for s in ("ERP", "POS", "CRM", "WEBSHOP")}
OMNIGATE = [str(Path(sys.executable).parent / "omnigate")]


def run_omnigate(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*OMNIGATE, *args], env={"PATH": "/usr/bin:/bin", **env}, capture_output=True,
                          text=True, timeout=30)


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
    ({}, "OMNIGATE_JWT_SECRET or OMNIGATE_JWT_JWKS_URL or OMNIGATE_JWT_JWKS_FILE"),
    ({"OMNIGATE_JWT_SECRET": "a-production-secret-that-is-long-enough!!"}, "OMNIGATE_API_KEYS_FILE"),
])
def test_production_without_a_secret_or_key_file_stops_with_one_line(extra: dict[str, str], named: str) -> None:
    result = run_omnigate("serve", env={**PRODUCTION, **extra})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"omnigate: invalid setting: {named} is required in production"]


def test_a_malformed_key_file_stops_start_up_naming_it(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text('{"keys": [{"name": "k", "sha256": "not-a-hash", "kind": "kiosk", "store": "PAR01"}]}')
    env = {**PRODUCTION, "OMNIGATE_JWT_SECRET": "a-production-secret-that-is-long-enough!!",
           "OMNIGATE_API_KEYS_FILE": str(keys)}
    result = run_omnigate("serve", env=env)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("omnigate: invalid setting: OMNIGATE_API_KEYS_FILE:")


def test_token_mints_a_development_token_the_gateway_accepts() -> None:
    result = run_omnigate("token", "--role", "staff", "--subject", "s-1", "--store", "PAR01", env={})
    assert result.returncode == 0, result.stderr
    claims = jwt.decode(result.stdout.strip(), DEV_SECRET, algorithms=["HS256"])
    assert (claims["sub"], claims["role"], claims["store"]) == ("s-1", "staff", "PAR01")


def test_token_refuses_to_run_in_production() -> None:
    result = run_omnigate("token", "--role", "customer", "--subject", "003", env={"OMNIGATE_ENV": "production"})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "production" in result.stderr
