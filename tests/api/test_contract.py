"""The API's contract: the OpenAPI document is typed (a response model for every operation, the error body
on every 4xx, operation ids `tag-name`, media types for files), lists are paged in SQL, and the service keeps
to its document under schemathesis as an admin, a reviewer and an applicant (no 5xx, no non-conformance)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import one_of
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import auth
from api.app import create_app
from api.settings import Settings
from digitize.errors import DigitizeError
from matching.importer import import_files
from matching.store import RegistryStore
from ocr.errors import EngineError, IngestError

from ..conftest import POSTGRES, SAMPLES, postgres_schema
from .conftest import APPROVABLE, AS_OF, FORM, POSTGRES_URL_ENV, REFUSED, SECRET, VERIFY_BASE_URL, Service

ERROR_REF = "#/components/schemas/ErrorBody"
FILE_TYPES = {"application/pdf", "text/csv"}


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("doc"), worker=False), start_worker=False)
    return app.openapi()


def test_every_operation_answers_a_declared_model(document: dict[str, Any]) -> None:
    for method, path, op in _operations(document):
        success = {s: r for s, r in op["responses"].items() if s.startswith("2")}
        assert success, f"{method} {path}: no 2xx"
        for status, response in success.items():
            content = response.get("content", {})
            if status == "204":
                assert not content, f"{method} {path}: 204 with a body"
                continue
            assert content, f"{method} {path} {status}: no content declared"
            for media, body in content.items():
                schema = body.get("schema", {})
                if media in FILE_TYPES:
                    assert schema.get("type") == "string", f"{method} {path}: {media} is not a file"
                    continue
                typed = "$ref" in schema or "$ref" in schema.get("items", {}) or "properties" in schema
                assert typed or (media == "application/json" and path.endswith("/export")), (
                    f"{method} {path} {status} {media}: a bare {schema or 'object'}"
                )


def test_every_4xx_is_the_error_body(document: dict[str, Any]) -> None:
    for method, path, op in _operations(document):
        errors = {s: r for s, r in op["responses"].items() if s[0] in "45"}
        assert any(s.startswith("4") for s in errors), f"{method} {path}: no 4xx declared"
        for status, response in errors.items():
            body = response["content"]["application/json"]
            assert body["schema"] == {"$ref": ERROR_REF}, f"{method} {path} {status}: {body['schema']}"
            assert "example" in body, f"{method} {path} {status}: no example"
        protected = any("401" in op["responses"] for _ in [0])
        if path.startswith("/api/v1/") and not path.startswith(("/api/v1/auth/", "/api/v1/verify/")):
            assert protected, f"{method} {path}: 401 undeclared"
    error = document["components"]["schemas"]["ErrorBody"]
    assert {"code", "message_zh", "message_en"} <= set(error["required"])
    assert "errors" in error["properties"] and error.get("examples")


ANSWERED = [  # statuses the service answers (each held by its own test), which the document must declare
    ("post", "/api/v1/inspections/sample", "409"),  # empty_population: found undeclared by schemathesis
    ("post", "/api/v1/registry/imports", "415"),  # an unreadable registry file: found undeclared by schemathesis
    ("post", "/api/v1/applications/{app_id}/documents", "415"),
    ("post", "/api/v1/applications/{app_id}/documents", "413"),
    ("post", "/api/v1/applications", "429"),  # too_many_applications
    ("post", "/api/v1/applications/{app_id}/decision", "409"),
    ("post", "/api/v1/auth/login", "429"),
    ("post", "/api/v1/auth/register", "403"),  # registration_closed
    ("post", "/api/v1/users/{name}/tokens/{token_id}/rotate", "409"),
    ("post", "/api/v1/registry/imports/{import_id}/confirm", "409"),
    ("get", "/api/v1/verify/{number}", "429"),
    ("get", "/api/v1/verify/{number}", "404"),
]


@pytest.mark.parametrize(("method", "path", "status"), ANSWERED, ids=lambda v: str(v))
def test_what_the_service_answers_is_declared(document: dict[str, Any], method: str, path: str, status: str) -> None:
    assert status in document["paths"][path][method]["responses"]


def test_operation_ids_are_unique_and_start_with_the_tag(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for *_, op in _operations(document)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for method, path, op in _operations(document):
        assert op["operationId"].startswith(op["tags"][0] + "-"), f"{method} {path}: {op['operationId']}"


def test_files_declare_their_media_types_and_verify_is_there_once(document: dict[str, Any]) -> None:
    paths = document["paths"]
    pdf = paths["/api/v1/applications/{app_id}/certificate"]["get"]["responses"]["200"]["content"]
    assert list(pdf) == ["application/pdf"]
    export = paths["/api/v1/recognitions/export"]["get"]["responses"]["200"]["content"]
    assert {"text/csv", "application/json"} <= set(export)
    assert [p for p in paths if p.endswith("/verify/{number}")] == ["/api/v1/verify/{number}"]
    assert not any(p.startswith(("/queue", "/digitize", "/login", "/static")) for p in paths), "web pages in the API"


# --- the error body, whoever refuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (IngestError("PDF已加密 / the PDF is encrypted", code="encrypted_pdf"), 422),
        (EngineError("no OCR runtime could be loaded", code="engine_error"), 503),
        (DigitizeError("没有这一行 / no row 'x' in records.csv", code="row_not_found"), 422),
    ],
    ids=lambda v: getattr(v, "code", str(v)),
)
def test_any_huren_error_that_reaches_a_route_is_the_error_body(
    service: Service, error: Exception, status: int
) -> None:
    def fail() -> None:
        raise error

    service.app.add_api_route("/api/v1/test-fails", fail)
    r = service.client.get("/api/v1/test-fails")
    assert r.status_code == status
    assert r.json() == {"code": error.code, "message_zh": error.message_zh, "message_en": error.message_en}  # type: ignore[attr-defined]


def test_fastapis_own_refusals_are_the_error_body(service: Service) -> None:
    """Found by schemathesis: a login body that is not JSON answered `{"detail": …}`, not the documented body."""
    r = service.client.post(
        "/api/v1/auth/login", content=b"\x8fg\x8dY\x9d", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_request" and r.json()["message_zh"]
    r = service.client.get("/api/v1/no-such-thing", headers=service.headers("alice"))
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    r = service.client.put("/api/v1/applications", headers=service.headers("alice"))
    assert (r.status_code, r.json()["code"]) == (405, "method_not_allowed")


# --- schemathesis -------------------------------------------------------------------------------------

ROLES = {"admin": ("ada", {}), "reviewer": ("rita", {"area": "qingpu"}), "applicant": ("alice", {})}
REACHED = {  # operations each role must have been answered 2xx by: its token is sent, the files are checked
    "admin": {"GET /api/v1/users", "GET /api/v1/recognitions/export", "GET /api/v1/audit", "POST /api/v1/users"},
    "reviewer": {"GET /api/v1/applications/{app_id}", "GET /api/v1/recognitions/export", "GET /api/v1/applications"},
    "applicant": {"GET /api/v1/applications/{app_id}/certificate", "GET /api/v1/applications/{app_id}/status"},
}


@dataclass
class Contract:
    schema: Any
    role: str
    known: list[dict[str, str]]  # path parameters that name things that exist, beside the generated ones


@pytest.fixture(
    scope="module",
    params=[
        *(pytest.param((role, "sqlite"), id=f"{role}-sqlite") for role in sorted(ROLES)),
        *(pytest.param((role, "postgresql"), id=f"{role}-postgresql", marks=POSTGRES) for role in sorted(ROLES)),
    ],
)
def contract(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Contract]:
    """The whole schema against a service with the sample registry, the user of the role, an applicant's
    draft with a document, an approved application with its certificate and a refused one, a second user with a machine token."""
    role, database = request.param
    tmp: Path = tmp_path_factory.mktemp(f"contract-{role}")
    stack = ExitStack()
    request.addfinalizer(stack.close)
    if database == "postgresql":
        url = stack.enter_context(postgres_schema(os.environ[POSTGRES_URL_ENV], f"huren_contract_{role}"))
    else:
        url = f"sqlite:///{tmp / 'huren.sqlite3'}"
    settings_ = Settings(
        data_dir=tmp / "data", database_url=url, cert_secret=SECRET, verify_base_url=VERIFY_BASE_URL, as_of=AS_OF,
        worker=False,
    )  # fmt: skip
    app = create_app(settings_, start_worker=False)
    import_files(RegistryStore(app.state.engine), [SAMPLES / "registry.csv"])
    tokens: dict[str, str] = {}
    with app.state.engine.begin() as conn:
        for who, (name, scope) in ROLES.items():
            tokens[who] = auth.create_user(conn, name, who, **scope)[1]
        auth.create_user(conn, "someone", "reviewer", area="wujiang")
    client = TestClient(app)
    alice = {"Authorization": f"Bearer {tokens['applicant']}"}
    app_id = client.post("/api/v1/applications", json={"area": "qingpu", "form": FORM}, headers=alice).json()["id"]
    with APPROVABLE.open("rb") as fh:
        doc = client.post(
            f"/api/v1/applications/{app_id}/documents", files={"file": (APPROVABLE.name, fh)}, headers=alice
        )
    token = client.post(
        "/api/v1/users/someone/tokens", json={"days": 1}, headers={"Authorization": f"Bearer {tokens['admin']}"}
    )
    screened = {}
    for path in (APPROVABLE, REFUSED):
        screened[path] = client.post(
            "/api/v1/applications", json={"area": "qingpu", "form": FORM}, headers=alice
        ).json()["id"]
        with path.open("rb") as fh:
            client.post(
                f"/api/v1/applications/{screened[path]}/documents", files={"file": (path.name, fh)}, headers=alice
            )
        client.post(f"/api/v1/applications/{screened[path]}/submit", headers=alice)
    app.state.worker.run_until_idle()  # text layers, no OCR: one approved with its certificate, one refused
    approved = screened[APPROVABLE]
    number = client.get(f"/api/v1/applications/{approved}/status", headers=alice).json()["certificate"]["number"]
    known = [
        {"app_id": app_id, "doc_id": doc.json()["id"], "name": "someone", "token_id": str(token.json()["id"])},
        {"app_id": approved, "number": number},
        {"app_id": screened[REFUSED]},
    ]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.headers = {"Authorization": f"Bearer {tokens[role]}"}
    yield Contract(schema, f"{role} on {database}", known)
    client.close()
    app.state.engine.dispose()


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 15  # per operation and role: 32 operations × 3 roles in about a minute on two cores


def _cases(operation: Any, known: list[dict[str, str]]) -> Any:
    """Generated requests, valid and invalid, to generated paths and to the things that exist."""
    strategies = [operation.as_strategy(mode) for mode in GenerationMode]
    for things in known:
        fixed = {k: v for k, v in things.items() if "{" + k + "}" in operation.path}
        if fixed:
            strategies += [operation.as_strategy(mode, path_parameters=fixed) for mode in GenerationMode]
    return one_of(strategies)


def _fuzz(operation: Any, known: list[dict[str, str]]) -> Counter[int]:
    """Run one operation's cases; the statuses it answered (raises the first failure)."""
    statuses: Counter[int] = Counter()

    @given(case=_cases(operation, known))
    @settings(
        max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
        phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def run(case: schemathesis.Case) -> None:
        statuses[case.call_and_validate(checks=CHECKS).status_code] += 1

    run()
    return statuses


def test_the_service_keeps_to_its_schema(contract: Contract) -> None:
    """Every operation, with generated valid and invalid requests, as this role: no 5xx, nothing undeclared.

    (schemathesis's own pytest loader does not run on pytest 9, so the operations are walked here.)"""
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    answered: set[str] = set()  # operations that answered 2xx at least once: the token is sent
    for result in contract.schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        try:
            seen = _fuzz(operation, contract.known)
        except (Exception, BaseExceptionGroup) as exc:  # every operation's first failure, not only the first's
            failures.append(f"{label}: {exc}")
            continue
        statuses += seen
        if any(status < 300 for status in seen):
            answered.add(label)
    print(f"schemathesis as {contract.role}: {sum(statuses.values())} cases, statuses {dict(sorted(statuses.items()))}, "
          f"{len(answered)} operations answered 2xx, {len(failures)} failing")  # fmt: skip
    assert not failures, f"{len(failures)} operations failing\n\n" + "\n\n".join(failures)
    assert REACHED[contract.role.split()[0]] <= answered, sorted(answered)
