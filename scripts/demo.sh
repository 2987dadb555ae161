#!/usr/bin/env bash
# The demo: what Huren does today, on the bundled synthetic samples.
set -euo pipefail
BIN=.venv/bin
echo "== 1. 识别一份注册证 / extract one registration certificate"
first=$(ls samples/documents/reg_* 2>/dev/null | grep -v '\.json$' | head -n 1)
$BIN/huren extract "$first"
echo
echo "== 2. 全部样本的识别准确率 / extraction accuracy over every bundled sample"
$BIN/huren eval samples/documents --show-mistakes 10
