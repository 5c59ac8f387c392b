"""JWT verification: customers and staff from HS256 and JWKS tokens, and every way a token is refused."""

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from gateway.auth.minting import DEV_SECRET, mint_token
from gateway.auth.principals import AuthenticationError, Principal, Role
from gateway.auth.tokens import JwtConfig, TokenVerifier

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
OTHER_SECRET = "another-secret-that-is-also-long-enough-for-hs256"
ISSUER = "https://id.example.test/"
AUDIENCE = "omnigate"
RSA_KID = "rsa-1"
EC_KID = "ec-1"
ROTATED_KID = "rsa-2"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class JwksServer:
    """The identity provider's JWKS endpoint on 127.0.0.1; counts fetches, and its keys may change while it runs."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        self.keys = keys
        self.hits = 0
        self.failure: tuple[int, str] | None = None  # (status, body) to answer instead of the keys
        self.url = ""
        app = web.Application()
        app.router.add_get("/jwks", self._jwks)
        self._runner = web.AppRunner(app)

    async def start(self) -> str:
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/jwks"
        return self.url

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _jwks(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.failure is not None:
            return web.Response(status=self.failure[0], text=self.failure[1])
        return web.json_response({"keys": self.keys})


def now() -> int:
    return int(time.time())


def jwk(key: PrivateKey, kid: str) -> dict[str, Any]:
    """The public half as a JWK, the way an identity provider publishes it."""
    if isinstance(key, rsa.RSAPrivateKey):
        public = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    else:
        public = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return public | {"kid": kid, "use": "sig"}


def claims(**extra: Any) -> dict[str, Any]:
    return {"sub": "c-1", "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 600} | extra


def shifted(**offsets_s: int) -> dict[str, Any]:
    """Claims with times relative to now, computed when the test runs rather than when it is collected."""
    return claims(**{name: now() + offset for name, offset in offsets_s.items()})


def sign(payload: dict[str, Any], key: PrivateKey | str, algorithm: str, kid: str | None = None) -> str:
    return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid} if kid else None)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def handmade(header: dict[str, Any], payload: dict[str, Any], hmac_key: bytes | None = None) -> str:
    """A token PyJWT would refuse to produce: unsigned, or HMAC-signed with whatever bytes we like."""
    signing_input = f"{b64(header)}.{b64(payload)}"
    if hmac_key is None:
        return f"{signing_input}."
    signature = hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


async def refusal(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(AuthenticationError) as caught:
        await verifier.verify(token)
    return str(caught.value)


def config(*, secret: str | None = None, jwks_url: str | None = None, jwks_file: Path | None = None,
           issuer: str | None = ISSUER, audience: str | None = AUDIENCE) -> JwtConfig:
    return JwtConfig(secret=secret, jwks_url=jwks_url, jwks_file=jwks_file, issuer=issuer, audience=audience)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def jwks_file(tmp_path: Path, rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey) -> Path:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk(rsa_key, RSA_KID), jwk(ec_key, EC_KID)]}))
    return path


@pytest.fixture
def hs_verifier() -> TokenVerifier:
    return TokenVerifier(config(secret=SECRET))


@pytest.fixture
def file_verifier(jwks_file: Path) -> TokenVerifier:
    return TokenVerifier(config(jwks_file=jwks_file))


@pytest.fixture
async def jwks_server(rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey) -> AsyncIterator[JwksServer]:
    server = JwksServer([jwk(rsa_key, RSA_KID), jwk(ec_key, EC_KID)])
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def jwks_url(jwks_server: JwksServer) -> str:
    return jwks_server.url


@pytest.fixture
def url_verifier(jwks_url: str, session: aiohttp.ClientSession) -> TokenVerifier:
    return TokenVerifier(config(jwks_url=jwks_url), session)


# --- who a valid token is ---------------------------------------------------------------------------------------


async def test_a_customer_token_is_the_customer(hs_verifier: TokenVerifier) -> None:
    # given a customer token minted for the configured issuer and audience
    token = mint_token(SECRET, Role.CUSTOMER, "c-1", issuer=ISSUER, audience=AUDIENCE)
    # then it is that customer
    assert await hs_verifier.verify(token) == Principal(Role.CUSTOMER, subject="c-1")


async def test_a_token_without_role_is_a_customer(hs_verifier: TokenVerifier) -> None:
    assert await hs_verifier.verify(sign(claims(), SECRET, "HS256")) == Principal(Role.CUSTOMER, subject="c-1")


@pytest.mark.parametrize(("store", "expected"), [
    ("S01", Principal(Role.STAFF, subject="s-1", store="S01")),
    (None, Principal(Role.STAFF, subject="s-1")),
])
async def test_a_staff_token_is_staff_of_its_store_if_any(hs_verifier: TokenVerifier, store: str | None,
                                                          expected: Principal) -> None:
    token = mint_token(SECRET, Role.STAFF, "s-1", store=store, issuer=ISSUER, audience=AUDIENCE)
    assert await hs_verifier.verify(token) == expected


async def test_rs256_and_es256_tokens_verify_against_a_jwks_file(
        file_verifier: TokenVerifier, rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey) -> None:
    staff = sign(claims(sub="s-2", role="staff", store="S02"), rsa_key, "RS256", RSA_KID)
    customer = sign(claims(sub="c-2"), ec_key, "ES256", EC_KID)
    assert await file_verifier.verify(staff) == Principal(Role.STAFF, subject="s-2", store="S02")
    assert await file_verifier.verify(customer) == Principal(Role.CUSTOMER, subject="c-2")


async def test_audience_and_issuer_are_not_checked_when_not_configured() -> None:
    verifier = TokenVerifier(config(secret=SECRET, issuer=None, audience=None))
    token = sign(claims(iss="https://anyone.test/", aud="anything"), SECRET, "HS256")
    assert await verifier.verify(token) == Principal(Role.CUSTOMER, subject="c-1")


# --- time ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("offsets", "message"), [
    ({"exp": -40}, "token has expired"),
    ({"nbf": 120}, "token is not yet valid"),
    ({"iat": 120}, "token is not yet valid"),
])
async def test_tokens_outside_their_validity_are_refused(hs_verifier: TokenVerifier, offsets: dict[str, int],
                                                         message: str) -> None:
    assert await refusal(hs_verifier, sign(shifted(**offsets), SECRET, "HS256")) == message


@pytest.mark.parametrize("offsets", [{"exp": -20}, {"nbf": 20}, {"iat": 20}])
async def test_clock_skew_inside_the_leeway_is_accepted(hs_verifier: TokenVerifier, offsets: dict[str, int]) -> None:
    token = sign(shifted(**offsets), SECRET, "HS256")
    assert await hs_verifier.verify(token) == Principal(Role.CUSTOMER, subject="c-1")


async def test_a_minted_token_expires_after_its_ttl(hs_verifier: TokenVerifier) -> None:
    # given a token minted 100 s ago for 60 s: it ran out 40 s ago, beyond the 30 s leeway
    minted = datetime.now(UTC) - timedelta(seconds=100)
    token = mint_token(SECRET, Role.CUSTOMER, "c-1", ttl_s=60, issuer=ISSUER, audience=AUDIENCE, now=minted)
    assert await refusal(hs_verifier, token) == "token has expired"


# --- claims -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("extra", "missing", "message"), [
    ({"iss": "https://evil.test/"}, None, "token has the wrong issuer"),
    ({}, "iss", "token has no 'iss' claim"),
    ({"aud": "someone-else"}, None, "token has the wrong audience"),
    ({}, "aud", "token has no 'aud' claim"),
    ({}, "sub", "token has no 'sub' claim"),
    ({}, "exp", "token has no 'exp' claim"),
    ({"sub": ""}, None, "token has an empty subject"),
    ({"sub": 42}, None, "token is invalid"),
    ({"exp": "tomorrow"}, None, "token is invalid"),
])
async def test_claims_are_checked(hs_verifier: TokenVerifier, extra: dict[str, Any], missing: str | None,
                                  message: str) -> None:
    payload = {name: value for name, value in claims(**extra).items() if name != missing}
    assert await refusal(hs_verifier, sign(payload, SECRET, "HS256")) == message


@pytest.mark.parametrize("role", ["admin", "kiosk", "partner", "anonymous", "Staff", "", ["staff"], 1])
async def test_an_unknown_role_is_refused(hs_verifier: TokenVerifier, role: object) -> None:
    assert await refusal(hs_verifier, sign(claims(role=role), SECRET, "HS256")) == "token has an unknown role"


@pytest.mark.parametrize("store", ["", 7, ["S01"]])
async def test_a_staff_store_must_be_a_store_code(hs_verifier: TokenVerifier, store: object) -> None:
    token = sign(claims(role="staff", store=store), SECRET, "HS256")
    assert await refusal(hs_verifier, token) == "token has an invalid store"


# --- signatures and algorithms ------------------------------------------------------------------------------------


async def test_a_token_signed_with_another_secret_is_refused(hs_verifier: TokenVerifier) -> None:
    assert await refusal(hs_verifier, sign(claims(), OTHER_SECRET, "HS256")) == "token signature is invalid"


async def test_a_tampered_token_is_refused(hs_verifier: TokenVerifier) -> None:
    # given a customer token whose payload is swapped for a staff one, keeping the signature
    header, _, signature = sign(claims(), SECRET, "HS256").split(".")
    forged = f"{header}.{b64(claims(role='staff'))}.{signature}"
    assert await refusal(hs_verifier, forged) == "token signature is invalid"


async def test_a_token_signed_by_another_rsa_key_is_refused(file_verifier: TokenVerifier,
                                                            other_rsa_key: rsa.RSAPrivateKey) -> None:
    token = sign(claims(), other_rsa_key, "RS256", RSA_KID)
    assert await refusal(file_verifier, token) == "token signature is invalid"


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
async def test_an_unsigned_token_is_refused(hs_verifier: TokenVerifier, file_verifier: TokenVerifier,
                                            alg: str) -> None:
    token = handmade({"alg": alg, "typ": "JWT"}, claims(role="staff"))
    for verifier in (hs_verifier, file_verifier):
        assert await refusal(verifier, token) == "token algorithm is not accepted"


async def test_an_rsa_public_key_used_as_hmac_secret_is_refused(jwks_file: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    # given a token HMAC-signed with the published RSA public key, the classic algorithm confusion
    pem = rsa_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    token = handmade({"alg": "HS256", "typ": "JWT", "kid": RSA_KID}, claims(role="staff"), hmac_key=pem)
    # then a JWKS-only verifier accepts no HS256 at all, and one with a secret too checks it against the secret only
    assert await refusal(TokenVerifier(config(jwks_file=jwks_file)), token) == "token algorithm is not accepted"
    both = TokenVerifier(config(secret=SECRET, jwks_file=jwks_file))
    assert await refusal(both, token) == "token signature is invalid"


async def test_hs256_is_refused_without_a_secret_and_rs256_without_a_jwks(
        file_verifier: TokenVerifier, hs_verifier: TokenVerifier, rsa_key: rsa.RSAPrivateKey) -> None:
    assert await refusal(file_verifier, sign(claims(), SECRET, "HS256")) == "token algorithm is not accepted"
    rs256 = sign(claims(), rsa_key, "RS256", RSA_KID)
    assert await refusal(hs_verifier, rs256) == "token algorithm is not accepted"


async def test_a_token_must_use_the_algorithm_of_its_keys_type(
        file_verifier: TokenVerifier, rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey) -> None:
    # given tokens naming a key of the other type than their algorithm needs
    es256_naming_rsa = sign(claims(), ec_key, "ES256", RSA_KID)
    rs256_naming_ec = sign(claims(), rsa_key, "RS256", EC_KID)
    for token in (es256_naming_rsa, rs256_naming_ec):
        assert await refusal(file_verifier, token) == "token algorithm does not match its signing key"


@pytest.mark.parametrize("alg", ["HS384", "HS512", "RS384", "RS512", "PS256", "ES384", "EdDSA", ["HS256"], None])
async def test_other_algorithms_are_refused(hs_verifier: TokenVerifier, file_verifier: TokenVerifier,
                                            alg: object) -> None:
    token = handmade({"alg": alg, "kid": RSA_KID}, claims(), hmac_key=SECRET.encode())
    for verifier in (hs_verifier, file_verifier):
        assert await refusal(verifier, token) == "token algorithm is not accepted"


async def test_a_kid_missing_from_the_jwks_file_is_refused(file_verifier: TokenVerifier,
                                                           rsa_key: rsa.RSAPrivateKey) -> None:
    assert await refusal(file_verifier, sign(claims(), rsa_key, "RS256", "made-up")) == "token signing key is unknown"


async def test_a_jwks_token_must_name_its_key(file_verifier: TokenVerifier, rsa_key: rsa.RSAPrivateKey) -> None:
    assert await refusal(file_verifier, sign(claims(), rsa_key, "RS256")) == "token names no signing key"


@pytest.mark.parametrize(("token", "message"), [
    ("", "token is malformed"),
    ("garbage", "token is malformed"),
    ("a.b.c", "token is malformed"),
    ("...", "token is malformed"),
    ("Bearer abc.def.ghi", "token is malformed"),
    (f"{b64({'alg': 'HS256'})}.{b64({'sub': 'c-1'})}", "token is malformed"),
    (f"{b64({'alg': 'HS256', 'kid': 5})}.{b64(claims())}.c2ln", "token is malformed"),
    (f"{b64({'alg': 'HS256'})}.bm90IGpzb24.c2ln", "token signature is invalid"),
    (f"{b64({'alg': 'HS256'})}.{b64(claims())}.!!!", "token is malformed"),
])
async def test_garbage_is_refused_with_a_short_message(hs_verifier: TokenVerifier, token: str, message: str) -> None:
    assert await refusal(hs_verifier, token) == message


# --- JWKS from a URL ----------------------------------------------------------------------------------------------


async def test_the_jwks_is_fetched_on_first_use_and_cached(
        url_verifier: TokenVerifier, jwks_server: JwksServer, rsa_key: rsa.RSAPrivateKey,
        ec_key: ec.EllipticCurvePrivateKey) -> None:
    # given a verifier that has not been used: nothing fetched yet
    assert jwks_server.hits == 0
    # when tokens of both key types are verified, some at once
    tokens = [sign(claims(), rsa_key, "RS256", RSA_KID), sign(claims(), ec_key, "ES256", EC_KID)] * 3
    principals = await asyncio.gather(*(url_verifier.verify(token) for token in tokens))
    # then all are accepted from a single fetch
    assert set(principals) == {Principal(Role.CUSTOMER, subject="c-1")}
    assert jwks_server.hits == 1


async def test_an_unknown_kid_refetches_once_then_is_refused(
        url_verifier: TokenVerifier, jwks_server: JwksServer, rsa_key: rsa.RSAPrivateKey) -> None:
    # given the keys were fetched for a valid token
    await url_verifier.verify(sign(claims(), rsa_key, "RS256", RSA_KID))
    # when tokens name kids the provider never published
    first = await refusal(url_verifier, sign(claims(), rsa_key, "RS256", "made-up-1"))
    hits_after_first = jwks_server.hits
    second = await refusal(url_verifier, sign(claims(), rsa_key, "RS256", "made-up-2"))
    # then the first refetches the JWKS, the second within 30 s does not, and both are refused
    assert (first, second) == ("token signing key is unknown", "token signing key is unknown")
    assert (hits_after_first, jwks_server.hits) == (2, 2)


async def test_a_key_published_after_start_is_accepted_after_the_refetch(
        url_verifier: TokenVerifier, jwks_server: JwksServer, rsa_key: rsa.RSAPrivateKey,
        other_rsa_key: rsa.RSAPrivateKey) -> None:
    # given the keys were fetched, then the provider rotated in a new key
    await url_verifier.verify(sign(claims(), rsa_key, "RS256", RSA_KID))
    jwks_server.keys.append(jwk(other_rsa_key, ROTATED_KID))
    # when a token signed with the new key arrives
    principal = await url_verifier.verify(sign(claims(sub="c-9"), other_rsa_key, "RS256", ROTATED_KID))
    # then it is accepted after one refetch, and a made-up kid right after does not refetch again
    assert principal == Principal(Role.CUSTOMER, subject="c-9")
    assert await refusal(url_verifier, sign(claims(), rsa_key, "RS256", "made-up")) == "token signing key is unknown"
    assert jwks_server.hits == 2


class QuickRefetch(TokenVerifier):
    jwks_refetch_interval_s = 0.2


async def test_refetching_is_allowed_again_after_the_interval(
        jwks_url: str, session: aiohttp.ClientSession, jwks_server: JwksServer, rsa_key: rsa.RSAPrivateKey,
        other_rsa_key: rsa.RSAPrivateKey) -> None:
    # given a verifier that refetched for a made-up kid moments ago
    verifier = QuickRefetch(config(jwks_url=jwks_url), session)
    await verifier.verify(sign(claims(), rsa_key, "RS256", RSA_KID))
    await refusal(verifier, sign(claims(), rsa_key, "RS256", "made-up"))
    # when the provider publishes a new key, a token uses it at once, and again after the interval
    jwks_server.keys.append(jwk(other_rsa_key, ROTATED_KID))
    rotated = sign(claims(), other_rsa_key, "RS256", ROTATED_KID)
    too_soon = await refusal(verifier, rotated)
    await asyncio.sleep(0.3)
    # then it is refused until the interval has passed, then accepted
    assert too_soon == "token signing key is unknown"
    assert await verifier.verify(rotated) == Principal(Role.CUSTOMER, subject="c-1")
    assert jwks_server.hits == 3


@pytest.mark.parametrize("failure", [(503, "down"), (200, "not json"), (200, '{"keys": []}'), (200, "[1, 2]")])
async def test_an_unusable_jwks_refuses_tokens_without_hammering_the_provider(
        url_verifier: TokenVerifier, jwks_server: JwksServer, rsa_key: rsa.RSAPrivateKey,
        failure: tuple[int, str]) -> None:
    # given the provider answers with something that is not a key set
    jwks_server.failure = failure
    token = sign(claims(), rsa_key, "RS256", RSA_KID)
    # when tokens keep arriving
    messages = [await refusal(url_verifier, token) for _ in range(4)]
    # then each is refused with the same short message, after the first fetch and one refetch only
    assert messages == ["token signing key is unknown"] * 4
    assert jwks_server.hits == 2


async def test_a_verifier_without_a_session_opens_and_closes_its_own(
        jwks_url: str, jwks_server: JwksServer, rsa_key: rsa.RSAPrivateKey) -> None:
    verifier = TokenVerifier(config(jwks_url=jwks_url))
    try:
        assert await verifier.verify(sign(claims(), rsa_key, "RS256", RSA_KID)) == Principal(Role.CUSTOMER, "c-1")
    finally:
        await verifier.close()  # an unclosed session would fail the test (warnings are errors)
    assert jwks_server.hits == 1


# --- configuration ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "needs a secret, a JWKS URL or a JWKS file"),
    ({"jwks_url": "https://id.test/jwks", "jwks_file": Path("jwks.json")}, "not both"),
    ({"secret": "short"}, "at least 32 bytes"),
])
def test_a_config_that_cannot_verify_safely_is_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        config(**kwargs)


def test_a_negative_leeway_is_refused() -> None:
    with pytest.raises(ValueError, match="leeway"):
        JwtConfig(secret=SECRET, jwks_url=None, jwks_file=None, issuer=None, audience=None, leeway_s=-1)


@pytest.mark.parametrize("content", ["not json", "[]", '{"keys": []}', '{"keys": [{"kty": "RSA"}]}'])
def test_a_broken_jwks_file_stops_start_up(tmp_path: Path, content: str) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(content)
    with pytest.raises(ValueError, match="JWKS file"):
        TokenVerifier(config(jwks_file=path))


def test_a_jwks_file_without_named_signing_keys_stops_start_up(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    # given a key set whose only keys have no kid, or are for encryption
    unnamed = {name: value for name, value in jwk(rsa_key, RSA_KID).items() if name != "kid"}
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [unnamed, jwk(rsa_key, RSA_KID) | {"use": "enc"}]}))
    # then no token could ever verify: refused at start-up
    with pytest.raises(ValueError, match="no signing key with a 'kid'"):
        TokenVerifier(config(jwks_file=path))


def test_a_missing_jwks_file_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="JWKS file"):
        TokenVerifier(config(jwks_file=tmp_path / "absent.json"))


# --- minting ------------------------------------------------------------------------------------------------------


async def test_the_development_secret_mints_verifiable_tokens() -> None:
    verifier = TokenVerifier(config(secret=DEV_SECRET, issuer=None, audience=None))
    token = mint_token(DEV_SECRET, Role.STAFF, "s-1", store="S01")
    assert await verifier.verify(token) == Principal(Role.STAFF, subject="s-1", store="S01")


@pytest.mark.parametrize(("role", "store", "secret", "message"), [
    (Role.KIOSK, None, SECRET, "API keys"),
    (Role.PARTNER, None, SECRET, "API keys"),
    (Role.CUSTOMER, "S01", SECRET, "only staff"),
    (Role.CUSTOMER, None, "short", "at least 32 bytes"),
])
def test_minting_refuses_what_verification_would_not_mean(role: Role, store: str | None, secret: str,
                                                          message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mint_token(secret, role, "x-1", store=store)
