#!/usr/bin/env bash
# The demo: the whole product on the bundled synthetic samples, from scans to a reissued certificate.
set -euo pipefail
BIN=.venv/bin
SAMPLES=samples/documents
OUT=data/demo
mkdir -p "$OUT"
export HUREN_DATABASE_URL="sqlite:///$OUT/huren-demo.sqlite3"
export HUREN_CERT_SECRET="${HUREN_CERT_SECRET:-demo-secret-change-me}"
rm -f "$OUT/huren-demo.sqlite3"

echo "== 1. 识别一份注册证 / extract one registration certificate"
first=$(ls $SAMPLES/reg_* | grep -v '\.json$' | head -n 1)
$BIN/huren extract "$first"

echo
echo "== 2. 全部样本的识别准确率 / extraction accuracy over every bundled sample"
$BIN/huren eval $SAMPLES --show-mistakes 10

echo
echo "== 3. 导入发证机关登记库 / import the issuing authorities' records"
$BIN/huren registry import $SAMPLES/registry.csv

# One applicant's documents, as the manifest of the sample set lists them.
mapfile -t files < <($BIN/python - <<'PY'
import json
m = json.load(open("samples/documents/manifest.json", encoding="utf-8"))
person = next(p for p in m["people"].values() if any(f.startswith("reg_") for f in p["files"])
              and any(f.startswith("idf_") for f in p["files"]))
for f in person["files"]:
    print(f"samples/documents/{f}")
PY
)
echo
echo "== 4. 核验一份互认申请 / verify one application: ${files[*]}"
$BIN/huren verify "${files[@]}" --as-of 2025-06-01 || true

echo
echo "== 5. 换发示范区统一证书 / reissue the zone certificate (area 吴江)"
$BIN/huren reissue "${files[@]}" --area wujiang --out "$OUT/certificates" --as-of 2025-06-01 || true
ls -1 "$OUT/certificates" 2>/dev/null | sed 's/^/   /' || true

echo
echo "== 6. 通过服务办理一份申请 / one application through the service (huren serve, SQLite)"

$BIN/python scripts/demo_service.py

echo
echo "== 7. 纸质证书批量数字化 / batch digitisation of a box of legacy certificates (2 workers)"
rm -rf "$OUT/digitize"
mapfile -t box < <(ls $SAMPLES/ver_* $SAMPLES/asm_* $SAMPLES/unk_* | grep -v '\.json$')
$BIN/huren digitize "${box[@]}" --out "$OUT/digitize" --workers 2 --registry $SAMPLES/registry.csv || true
echo "   rows: $OUT/digitize/records.csv · review: huren digitize review $OUT/digitize"
