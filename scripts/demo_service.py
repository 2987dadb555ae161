"""Demo, part 2: one application through the running service (`huren serve`, SQLite under one data dir).

Starts the server on a free loopback port, creates an applicant and a reviewer, creates the
application with the form's fields, uploads one synthetic person's documents, submits, polls the
applicant's status until pre-screening is done, and prints the outcome, every reason and where the
reissued certificate is.  Run by `make demo` after part 1 has imported the registry.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "documents"
HUREN = str(Path(sys.executable).parent / "huren")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def token(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([HUREN, "user", "create", *args], env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1].split()[-1]


def person_files() -> tuple[dict[str, object], list[Path]]:
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    for person in manifest["people"].values():
        files = person["files"]
        if any(f.startswith("reg_") for f in files) and any(f.startswith("form_") for f in files):
            return person, [SAMPLES / f for f in files]
    raise SystemExit("no complete applicant in the sample manifest")


def form_of(person: dict[str, object], files: list[Path]) -> dict[str, object]:
    """The form's fields as the applicant types them: the truth of the sample's application form."""
    form = next(f for f in files if f.name.startswith("form_"))
    truth = json.loads(form.with_name(form.name + ".json").read_text(encoding="utf-8"))["pages"][0]["fields"]
    keys = (
        "name",
        "gender",
        "id_number",
        "title",
        "education",
        "phone",
        "cert_number",
        "level",
        "issuing_authority",
        "valid_from",
        "valid_until",
        "categories",
        "current_employer",
        "former_employer",
    )
    return {k: truth[k] for k in keys if k in truth}


def main() -> None:
    data = ROOT / "data" / "demo" / "service"
    shutil.rmtree(data, ignore_errors=True)  # a fresh demo every time
    data.mkdir(parents=True)
    env = {**os.environ, "HUREN_DATA_DIR": str(data), "HUREN_AS_OF": "2025-06-01"}
    env.pop("HUREN_DATABASE_URL", None)  # the embedded default: SQLite in the data dir
    env.setdefault("HUREN_CERT_SECRET", "demo-secret-change-me")
    subprocess.run(
        [HUREN, "registry", "import", str(SAMPLES / "registry.csv")], env=env, check=True, capture_output=True
    )
    applicant = token(env, "demo-applicant", "--role", "applicant")
    reviewer = token(env, "demo-reviewer-wujiang", "--role", "reviewer", "--area", "wujiang")

    port = free_port()
    env.setdefault("HUREN_VERIFY_BASE_URL", f"http://127.0.0.1:{port}")  # the QR codes lead to this demo server
    server = subprocess.Popen(
        [HUREN, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        with httpx.Client(base_url=base, timeout=30) as http:
            for _ in range(100):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            person, files = person_files()
            auth = {"Authorization": f"Bearer {applicant}"}
            created = http.post("/applications", json={"area": "wujiang", "form": form_of(person, files)}, headers=auth)
            created.raise_for_status()
            app_id = created.json()["id"]
            print(f"   申请 application {app_id}: {person['name']} → 吴江 wujiang")
            for f in files:
                r = http.post(
                    f"/applications/{app_id}/documents", files={"file": (f.name, f.read_bytes())}, headers=auth
                )
                print(f"   上传 uploaded {f.name}: {r.status_code}")
            http.post(f"/applications/{app_id}/submit", headers=auth).raise_for_status()
            status: dict[str, object] = {}
            for _ in range(600):
                status = http.get(f"/applications/{app_id}/status", headers=auth).json()
                if status.get("state") not in ("queued", "screening"):
                    break
                time.sleep(0.5)
            print(f"   预审结果 state: {status.get('state')} ({status.get('state_zh')})")
            for message in status.get("message_zh") or []:  # type: ignore[union-attr]
                print(f"     · {message}")
            if status.get("state") == "review":
                rv = {"Authorization": f"Bearer {reviewer}"}
                d = http.post(
                    f"/applications/{app_id}/decision",
                    json={"action": "approve", "version": status.get("version"), "comment": "演示：审核员核对后批准"},
                    headers=rv,
                )
                print(f"   审核员批准 reviewer approves after review: {d.status_code}")
            if status.get("state") == "rejected":
                return
            for _ in range(120):
                cert = http.get(f"/applications/{app_id}/certificate", headers=auth)
                if cert.status_code == 200:
                    out = data / f"{app_id}.pdf"
                    out.write_bytes(cert.content)
                    print(f"   换发证书 certificate: {out}")
                    break
                time.sleep(0.5)
            else:
                print(f"   没有证书 no certificate: {cert.status_code} {cert.text[:200]}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
