#!/usr/bin/env bash
# Restore a backup from deploy/backup.sh into an EMPTY database (created beforehand, e.g. with
# createdb), as the owner; then run `glabella audit_role` to grant the application's role again.
#   deploy/restore.sh /backups/glabella-20261203T180000Z.dump postgres://owner@host:5432/glabella
set -euo pipefail
file="${1:?usage: restore.sh DUMP_FILE DATABASE_URL}"
url="${2:?usage: restore.sh DUMP_FILE DATABASE_URL}"
tables=$(psql "$url" --tuples-only --no-align --command \
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
    echo "The target database is not empty ($tables tables): restore into a new database." >&2
    exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$file"
echo "restored $file"
