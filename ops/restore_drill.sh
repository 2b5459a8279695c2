#!/usr/bin/env bash
# Restore drill on PostgreSQL (CI runs it): load the demo office into a scratch database, back it
# up with `backup_db` (pg_dump custom format), restore into a new database with pg_restore, and
# compare the row count of every model and every plan total. Exits non-zero on any difference.
# Needs: PGHOST/PGPORT/PGUSER of a server where it may create databases; .venv ready.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
HOST=${PGHOST:-127.0.0.1}; PORT=${PGPORT:-5433}; USER=${PGUSER:-postgres}
SRC=drill_source_$$; DST=drill_restored_$$
WORK=$(mktemp -d)
cleanup() { dropdb -h "$HOST" -p "$PORT" -U "$USER" --if-exists "$SRC"; dropdb -h "$HOST" -p "$PORT" -U "$USER" --if-exists "$DST"; rm -rf "$WORK"; }
trap cleanup EXIT
createdb -h "$HOST" -p "$PORT" -U "$USER" "$SRC"
createdb -h "$HOST" -p "$PORT" -U "$USER" "$DST"
export DEBUG=1
src_url="postgres://$USER@$HOST:$PORT/$SRC"; dst_url="postgres://$USER@$HOST:$PORT/$DST"
DATABASE_URL=$src_url $PY manage.py migrate -v0
DATABASE_URL=$src_url $PY manage.py load_demo >/dev/null
DATABASE_URL=$src_url $PY manage.py backup_db --out "$WORK/backup.dump"
pg_restore -h "$HOST" -p "$PORT" -U "$USER" --no-owner --dbname "$DST" "$WORK/backup.dump"
for url in "$src_url" "$dst_url"; do
  name=$(basename "$url")
  DATABASE_URL=$url $PY manage.py row_counts > "$WORK/$name.counts.json"
  DATABASE_URL=$url $PY manage.py plan_summary --office PTL2 --year 2566 --json > "$WORK/$name.plan.json"
done
diff "$WORK/$SRC.counts.json" "$WORK/$DST.counts.json"
diff "$WORK/$SRC.plan.json" "$WORK/$DST.plan.json"
rows=$(python3 -c "import json,sys; print(sum(json.load(open(sys.argv[1])).values()))" "$WORK/$DST.counts.json")
total=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['plan_total'])" "$WORK/$DST.plan.json")
echo "restore drill passed: $rows rows in every table equal, plan total $total equal after pg_dump -Fc / pg_restore"
