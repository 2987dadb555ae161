#!/usr/bin/env bash
# backup.sh BACKUP.tar.gz — a consistent backup of Huren's database and stored files, taken while it runs.
#
# Reads HUREN_DATA_DIR and HUREN_DATABASE_URL (source /etc/huren/huren.env first). SQLite is copied with
# its online backup API (a consistent snapshot even in WAL mode, writers wait a moment); PostgreSQL with
# pg_dump in custom format. The uploads (DATA_DIR/files, content-addressed, never changed) are archived
# beside it. Restore with restore.sh into an empty data directory.
set -euo pipefail
out=${1:?usage: backup.sh BACKUP.tar.gz}
data=${HUREN_DATA_DIR:-data}
url=${HUREN_DATABASE_URL:-}
py=${HUREN_PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/huren"
if [ -z "$url" ] || [[ "$url" == sqlite* ]]; then
  db=${url#sqlite:///}
  [ -n "$url" ] || db="$data/huren.sqlite3"
  "$py" - "$db" "$work/huren/huren.sqlite3" <<'PY'
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)
src.close(); dst.close()
PY
else
  pg_dump --format=custom --no-owner --file="$work/huren/database.pgdump" "${url/+psycopg/}"
fi
if [ -d "$data/files" ]; then
  cp -a "$data/files" "$work/huren/files"
fi
date -u +%Y-%m-%dT%H:%M:%SZ > "$work/huren/TAKEN_AT"
tar -C "$work" -czf "$out" huren
echo "backup.sh: $out ($(du -h "$out" | cut -f1))" >&2
