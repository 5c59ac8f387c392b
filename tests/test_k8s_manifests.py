"""k8s/ rendered as an operator applies it (kustomize, from the pinned kubectl of the test extra) and checked offline:
every object against the Kubernetes JSON schemas (kubernetes-validate, strict: an unknown field fails), the one
custom kind (ServiceMonitor) against tests/k8s_schemas/; then what the deployment promises (probes, hardening, the
drain, secrets only by reference, settings the gateway knows)."""

import base64
import json
import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from gateway.security import build_security
from gateway.server import longest_drain_s
from gateway.settings import load_settings
from gateway.settings.model import SETTINGS

from .processes import ROOT
from .tools import venv_tool

Manifest = dict[str, Any]
K8S = ROOT / "k8s"
OVERLAYS = sorted(p.name for p in (K8S / "overlays").iterdir() if (p / "kustomization.yaml").exists())
# The oldest release the manifests are for (the preStop `sleep` action is on by default from 1.30) and the newest
# whose schemas kubernetes-validate ships.
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
CUSTOM_SCHEMAS = {("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor-monitoring-v1.json"}
# Settings that other branches of issue 14 declare (PostgreSQL, Redis); until they land the gateway ignores them.
SECRET_WORDS = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY$|DATABASE_URL|REDIS_URL")
# What an operator's Secrets would hold where the base has none, for the keys whose form the gateway checks.
STAND_INS = {"database-url": "postgresql://omnigate@postgres.example.com:5432/omnigate",
             "redis-url": "redis://redis.example.com:6379/0"}


@cache
def rendered(target: str) -> tuple[Manifest, ...]:
    result = subprocess.run([venv_tool("kubectl"), "kustomize", str(K8S / target)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return tuple(d for d in yaml.safe_load_all(result.stdout) if d)


def targets() -> list[str]:
    return ["base", *(f"overlays/{name}" for name in OVERLAYS)]


def one(manifests: tuple[Manifest, ...], kind: str, name: str) -> Manifest:
    [found] = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    return found


def pod_specs(manifests: tuple[Manifest, ...]) -> Iterator[tuple[str, Manifest]]:
    for m in manifests:
        if m["kind"] in ("Deployment", "StatefulSet", "Job"):
            yield f"{m['kind']}/{m['metadata']['name']}", m["spec"]["template"]["spec"]


def gateway_container(manifests: tuple[Manifest, ...], kind: str = "Deployment", name: str = "omnigate") -> Manifest:
    container: Manifest = one(manifests, kind, name)["spec"]["template"]["spec"]["containers"][0]
    return container


def settings_of(manifests: tuple[Manifest, ...]) -> dict[str, str]:
    [config] = [m for m in manifests if m["kind"] == "ConfigMap" and m["metadata"]["name"].startswith(
        "omnigate-settings")]
    data: dict[str, str] = config["data"]
    return data


@pytest.mark.parametrize("target", targets())
def test_every_object_validates_against_the_kubernetes_schemas(target: str) -> None:
    manifests = rendered(target)
    assert manifests
    for manifest in manifests:
        custom = CUSTOM_SCHEMAS.get((manifest["apiVersion"], manifest["kind"]))
        if custom:
            schema = json.loads((ROOT / "tests" / "k8s_schemas" / custom).read_text())
            jsonschema.validate(manifest, schema)
            continue
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(manifest, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                path = ".".join(str(p) for p in error.path)
                pytest.fail(f"{target}: {manifest['kind']}/{manifest['metadata']['name']} ({version}): {path}: "
                            f"{error.message}")


def test_the_base_holds_what_a_deployment_needs() -> None:
    kinds = {m["kind"] for m in rendered("base")}
    assert kinds >= {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy",
                     "ConfigMap", "ServiceMonitor", "Job", "ServiceAccount"}


def test_the_base_has_no_secret_values() -> None:
    manifests = rendered("base")
    assert not [m for m in manifests if m["kind"] == "Secret"]
    for where, spec in pod_specs(manifests):
        for container in spec["containers"]:
            for variable in container.get("env", []):
                if SECRET_WORDS.search(variable["name"]):
                    assert "value" not in variable and "secretKeyRef" in variable["valueFrom"], (where, variable)
    assert not [name for name in settings_of(manifests) if SECRET_WORDS.search(name)]


@pytest.mark.parametrize("target", targets())
def test_every_setting_is_one_the_gateway_declares(target: str) -> None:
    manifests = rendered(target)
    names = set(settings_of(manifests))
    for _, spec in pod_specs(manifests):
        names |= {v["name"] for c in spec["containers"] for v in c.get("env", []) if v["name"].startswith("OMNIGATE_")}
    unknown = {n for n in names if n.startswith("OMNIGATE_") and n.removeprefix("OMNIGATE_") not in SETTINGS}
    assert not unknown


@pytest.mark.parametrize("target", targets())
def test_probes_hit_the_probe_port_and_the_drain_fits_the_grace_period(target: str) -> None:
    manifests = rendered(target)
    deployment = one(manifests, "Deployment", "omnigate")
    spec = deployment["spec"]["template"]["spec"]
    container = gateway_container(manifests)
    settings = settings_of(manifests)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": int(settings["OMNIGATE_PORT"]), "probes": int(settings["OMNIGATE_PROBE_PORT"])}
    probes = {kind: (container[kind]["httpGet"]["path"], container[kind]["httpGet"]["port"])
              for kind in ("startupProbe", "readinessProbe", "livenessProbe")}
    assert probes == {"startupProbe": ("/healthz", "probes"), "readinessProbe": ("/readyz", "probes"),
                      "livenessProbe": ("/healthz", "probes")}
    assert container["args"] == ["serve", "--workers", "1"]
    pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    # the gateway's own reading of the deadline (the URLs: required settings; the rest needs the Secrets)
    drain = longest_drain_s(load_settings({k: v for k, v in settings.items() if k.endswith(("_URL", "DEADLINE_S"))}))
    assert spec["terminationGracePeriodSeconds"] > pause + drain
    assert deployment["spec"]["replicas"] >= 2
    assert one(manifests, "HorizontalPodAutoscaler", "omnigate")["spec"]["minReplicas"] >= 2


@pytest.mark.parametrize("target", targets())
def test_every_pod_runs_hardened(target: str) -> None:
    for where, spec in pod_specs(rendered(target)):
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["seccompProfile"] == {"type": "RuntimeDefault"}, where
        assert spec["automountServiceAccountToken"] is False and spec["enableServiceLinks"] is False, where
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"] == {"drop": ["ALL"]}, where
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]) & set(
                container["resources"]["limits"]), where


def test_the_base_spreads_over_zones_and_scales_on_cpu_and_requests_per_second() -> None:
    manifests = rendered("base")
    spread = one(manifests, "Deployment", "omnigate")["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert any(c["topologyKey"] == "topology.kubernetes.io/zone" for c in spread)
    metrics = one(manifests, "HorizontalPodAutoscaler", "omnigate")["spec"]["metrics"]
    assert [m["type"] for m in metrics] == ["Resource", "Pods"]
    assert metrics[1]["pods"]["metric"]["name"] == "omnigate_graphql_requests_per_second"
    readme = (K8S / "README.md").read_text()
    assert "omnigate_graphql_requests_per_second" in readme and "omnigate_graphql_requests_total" in readme
    monitor = one(manifests, "ServiceMonitor", "omnigate")["spec"]["endpoints"]
    assert monitor[0]["path"] == "/metrics" and settings_of(manifests)["OMNIGATE_METRICS_ACCESS"] == "public"


def test_the_network_policy_lets_out_only_dns_the_back_offices_the_state_and_the_collector() -> None:
    policy = one(rendered("base"), "NetworkPolicy", "omnigate")["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    egress_ports = sorted({p["port"] for rule in policy["egress"] for p in rule["ports"]})
    assert egress_ports == [53, 443, 4318, 5432, 6379]
    ingress_from = [peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                    for rule in policy["ingress"] for peer in rule["from"]]
    assert ingress_from == ["ingress-nginx", "monitoring"]
    assert {p["port"] for rule in policy["ingress"] for p in rule["ports"]} == {8080}


@pytest.mark.parametrize("target", targets())
def test_the_migration_job_runs_migrate_with_the_gateways_settings(target: str) -> None:
    manifests = rendered(target)
    gateway, job = gateway_container(manifests), gateway_container(manifests, "Job", "omnigate-migrate")
    assert job["args"] == ["migrate"] and job["image"] == gateway["image"]
    assert (job["env"], job["envFrom"]) == (gateway["env"], gateway["envFrom"])
    assert job["volumeMounts"] == gateway["volumeMounts"]


def test_the_demo_runs_the_simulators_postgres_and_redis_and_points_the_gateway_at_them() -> None:
    manifests = rendered("overlays/demo")
    simulators = gateway_container(manifests, "Deployment", "simulators")
    assert simulators["args"][0] == "simulate" and simulators["image"].startswith("omnigate-demo:")
    assert not gateway_container(manifests)["image"].startswith("omnigate-demo")  # the gateway: no demo extra
    settings = settings_of(manifests)
    assert {settings[f"OMNIGATE_{s}_URL"] for s in ("ERP", "POS", "CRM", "WEBSHOP")} == {
        f"http://simulators:8100/{s}" for s in ("erp", "pos", "crm", "webshop")}
    assert {(m["kind"], m["metadata"]["name"]) for m in manifests} >= {
        ("StatefulSet", "postgres"), ("Service", "postgres"), ("Deployment", "redis"), ("Service", "redis"),
        ("Service", "simulators")}
    [state] = [m for m in manifests if m["kind"] == "Secret" and m["metadata"]["name"].startswith("omnigate-state")]
    assert sorted(state["data"]) == ["database-url", "redis-url"]


def secret_values(manifests: tuple[Manifest, ...], name: str, key: str) -> str | None:
    """What a rendered Secret holds (an overlay's generated ones carry a hash suffix)."""
    for m in manifests:
        if m["kind"] == "Secret" and re.fullmatch(rf"{name}(-[a-z0-9]{{10}})?", m["metadata"]["name"]):
            return base64.b64decode(m["data"][key]).decode()
    return None


@pytest.mark.parametrize("target", targets())
def test_the_gateway_accepts_the_settings_as_its_pod_gets_them(target: str, tmp_path: Path) -> None:
    """The ConfigMap and the Secrets (the overlay's, else stand-ins of the operator's) as the container's environment,
    the keys file where the pod mounts it: what `omnigate serve` would refuse at start, refused here."""
    manifests = rendered(target)
    container = gateway_container(manifests)
    environ = dict(settings_of(manifests))
    for variable in container["env"]:
        ref = variable["valueFrom"]["secretKeyRef"]
        value = secret_values(manifests, ref["name"], ref["key"])
        environ[variable["name"]] = value if value is not None else STAND_INS.get(
            ref["key"], f"a stand-in for {ref['name']}/{ref['key']}, long enough for a key")
    keys = tmp_path / "keys.toml"
    keys.write_text(secret_values(manifests, "omnigate-api-keys", "keys.toml") or "")
    assert environ["OMNIGATE_API_KEYS_FILE"] == "/etc/omnigate/api-keys/keys.toml"
    environ["OMNIGATE_API_KEYS_FILE"] = str(keys)
    build_security(load_settings(environ))
