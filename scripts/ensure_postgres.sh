#!/usr/bin/env bash
# Make sure the PostgreSQL server the tests use answers; start the local Debian cluster when it is down.
# The tests only need a server: pytest-django creates and drops its own test_* databases.
#
#   scripts/ensure_postgres.sh [HOST] [PORT]      (default 127.0.0.1 5432)
set -euo pipefail

host=${1:-127.0.0.1}
port=${2:-5432}

ready() { pg_isready -q -h "$host" -p "$port"; }

if ! command -v pg_isready >/dev/null; then
  echo "ensure_postgres: pg_isready not found; install PostgreSQL 15+ (Debian: postgresql) or point PG_URL elsewhere" >&2
  exit 1
fi
if ready; then
  echo "ensure_postgres: PostgreSQL answers on $host:$port"
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null; then
  echo "ensure_postgres: nothing answers on $host:$port and pg_ctlcluster is not installed" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure_postgres: nothing answers on $host:$port; start it as root:" >&2
  echo "  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
  exit 1
fi

# The cluster listening on that port, else the first one Debian knows of.
read -r version cluster < <(pg_lsclusters -h 2>/dev/null | awk -v p="$port" '$3 == p { print $1, $2; exit }') || true
if [ -z "${version:-}" ]; then
  version=$(ls /etc/postgresql | head -n 1)
  cluster=main
fi
echo "ensure_postgres: starting cluster $version/$cluster"
pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
for _ in $(seq 1 30); do
  if ready; then
    echo "ensure_postgres: PostgreSQL answers on $host:$port"
    exit 0
  fi
  sleep 1
done
echo "ensure_postgres: PostgreSQL $version/$cluster did not come up on $host:$port within 30 s" >&2
exit 1
