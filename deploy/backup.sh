#!/usr/bin/env bash
# Back up Glabella's database: one compressed pg_dump file (custom format, restorable table by
# table), named with the time. The audit trail, its append-only trigger and every record are
# inside it. Keep SECRET_KEY and the environment file with it (signed links and sessions need
# the same key); var/ holds only caches that rebuild themselves.
#   deploy/backup.sh postgres://owner@host:5432/glabella /backups
set -euo pipefail
url="${1:?usage: backup.sh DATABASE_URL DIRECTORY}"
directory="${2:?usage: backup.sh DATABASE_URL DIRECTORY}"
mkdir -p "$directory"
file="$directory/glabella-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$url"
pg_restore --list "$file" > /dev/null  # a dump that cannot be read is not a backup
echo "$file"
