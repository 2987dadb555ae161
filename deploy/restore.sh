#!/usr/bin/env bash
# restore.sh BACKUP.tar.gz — put a backup.sh archive back into an empty HUREN_DATA_DIR (and database).
#
# Refuses a data directory that already holds a database or files: restore into a new one, check it
# (`huren audit verify`), then point the service at it. PostgreSQL: the database named by
# HUREN_DATABASE_URL must exist and be empty (createdb); pg_restore fills it.
set -euo pipefail
archive=${1:?usage: restore.sh BACKUP.tar.gz}
data=${HUREN_DATA_DIR:-data}
url=${HUREN_DATABASE_URL:-}
if [ -e "$data/huren.sqlite3" ] || [ -e "$data/files" ]; then
  echo "restore.sh: $data is not empty: restore into a new data directory" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$archive"
mkdir -p "$data"
if [ -f "$work/huren/huren.sqlite3" ]; then
  if [ -n "$url" ] && [[ "$url" != sqlite* ]]; then
    echo "restore.sh: the backup is of SQLite, HUREN_DATABASE_URL names another database" >&2
    exit 2
  fi
  db=${url#sqlite:///}
  [ -n "$url" ] || db="$data/huren.sqlite3"
  cp "$work/huren/huren.sqlite3" "$db"
else
  pg_restore --no-owner --exit-on-error --dbname="${url/+psycopg/}" "$work/huren/database.pgdump"
fi
if [ -d "$work/huren/files" ]; then
  cp -a "$work/huren/files" "$data/files"
fi
echo "restore.sh: restored the backup taken $(cat "$work/huren/TAKEN_AT") into $data; now run: huren audit verify" >&2
