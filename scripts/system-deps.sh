#!/usr/bin/env bash
# Debian packages Huren needs beyond Python wheels: CJK fonts (sample generator, reissued
# certificates), poppler-utils (pdftoppm, to look at PDFs), chromium (the review pages' browser
# tests drive it), iproute2 (`ip netns`: the Ray cluster test keeps every listener on loopback).
# systemd (`systemd-analyze verify` checks the deploy units). Idempotent and quiet when all present.
set -euo pipefail
want=(fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-ukai fonts-arphic-uming fonts-noto-cjk poppler-utils chromium iproute2 systemd)
missing=()
for p in "${want[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "system-deps: please install: ${missing[*]}" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "system-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi
