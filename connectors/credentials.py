"""Credentials for the four back offices; the defaults are the documented demo ones."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Credentials:
    erp_user: str = "omnigate"
    erp_password: str = "demo-erp"
    pos_token: str = "demo-pos-token"
    crm_token: str = "demo-crm-token"
    webshop_key: str = "ck_demo"
    webshop_secret: str = "cs_demo"


DEMO_CREDENTIALS = Credentials()


def credentials_from_environ(environ: dict[str, str]) -> Credentials:
    """The same `OMNIGATE_*` names the gateway reads, so a simulator and the gateway agree."""
    names = {f: f"OMNIGATE_{f.upper()}" for f in Credentials.__dataclass_fields__}
    return Credentials(**{f: environ[name] for f, name in names.items() if environ.get(name)})
