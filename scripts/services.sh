#!/usr/bin/env bash
# Development servers on loopback against this machine's PostgreSQL: a Prefect server and an
# MLflow tracking server, plus the audit-log database.
#
#   scripts/services.sh start    # idempotent: a server that already answers is reused
#   scripts/services.sh env      # the export lines that point clinicode at them
#   scripts/services.sh status
#   scripts/services.sh stop     # stops only the servers this script started (pid files)
#
# Settings (environment): CLINICODE_SERVICES_DIR (state, logs, artifacts; default
# .clinicode/services), PREFECT_PORT (4200), MLFLOW_PORT (5000), PGHOST (127.0.0.1), PGPORT
# (5432), PGUSER (postgres), CLINICODE_DB_PREFIX (clinicode: databases <prefix>_prefect,
# <prefix>_mlflow, <prefix>_audit), VENV (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${CLINICODE_SERVICES_DIR:-$PWD/.clinicode/services}
VENV=${VENV:-$PWD/.venv}
PREFECT_PORT=${PREFECT_PORT:-4200}
MLFLOW_PORT=${MLFLOW_PORT:-5000}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
PREFIX=${CLINICODE_DB_PREFIX:-clinicode}
PG="$PGUSER@$PGHOST:$PGPORT"
PREFECT_DB_URL="postgresql+asyncpg://$PG/${PREFIX}_prefect"
MLFLOW_DB_URL="postgresql+psycopg://$PG/${PREFIX}_mlflow"
AUDIT_DB_URL="postgresql+psycopg://$PG/${PREFIX}_audit"
PREFECT_API="http://127.0.0.1:$PREFECT_PORT/api"
MLFLOW_URI="http://127.0.0.1:$MLFLOW_PORT"
STARTUP_TIMEOUT_S=${STARTUP_TIMEOUT_S:-180}  # a fresh Prefect database migrates for ~15-40 s

export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false

answers() { curl -fsS --max-time 3 "$1" >/dev/null 2>&1; }

ensure_database() {
  local name=$1
  if [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$name'")" != "1" ]; then
    createdb "$name"
    echo "created database $name"
  fi
}

wait_for() {  # name url pidfile
  local waited=0
  until answers "$2"; do
    if [ -f "$3" ] && ! kill -0 "$(cat "$3")" 2>/dev/null; then
      echo "$1 exited during start-up; see $DIR/$1.log" >&2; tail -n 20 "$DIR/$1.log" >&2
      return 1
    fi
    if [ "$waited" -ge "$STARTUP_TIMEOUT_S" ]; then
      echo "$1 did not answer within $STARTUP_TIMEOUT_S s; see $DIR/$1.log" >&2; return 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  echo "$1 up at $2 (${waited} s)"
}

start_prefect() {
  if answers "$PREFECT_API/health"; then echo "prefect already up at $PREFECT_API"; return; fi
  rm -f "$DIR/prefect.pid"
  mkdir -p "$DIR/prefect-home"
  # setsid: the server gets its own process group, which stop ends as a whole.
  PREFECT_HOME="$DIR/prefect-home" PREFECT_API_DATABASE_CONNECTION_URL="$PREFECT_DB_URL" \
    PREFECT_SERVER_API_HOST=127.0.0.1 PREFECT_UI_ENABLED=true \
    setsid nohup "$VENV/bin/prefect" server start --host 127.0.0.1 --port "$PREFECT_PORT" \
    >"$DIR/prefect.log" 2>&1 < /dev/null &
  echo $! >"$DIR/prefect.pid"
}

start_mlflow() {
  if answers "$MLFLOW_URI/health"; then echo "mlflow already up at $MLFLOW_URI"; return; fi
  rm -f "$DIR/mlflow.pid"
  mkdir -p "$DIR/mlartifacts"
  setsid nohup "$VENV/bin/mlflow" server --host 127.0.0.1 --port "$MLFLOW_PORT" --workers 1 \
    --backend-store-uri "$MLFLOW_DB_URL" --default-artifact-root "$DIR/mlartifacts" \
    >"$DIR/mlflow.log" 2>&1 < /dev/null &
  echo $! >"$DIR/mlflow.pid"
}

stop_one() {
  local pidfile="$DIR/$1.pid"
  if [ ! -f "$pidfile" ]; then echo "$1: not started by this script"; return; fi
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
    echo "$1 stopped"
  fi
  rm -f "$pidfile"
}

print_env() {
  cat <<EOF
export PREFECT_API_URL=$PREFECT_API
export MLFLOW_TRACKING_URI=$MLFLOW_URI
export CLINICODE_MLFLOW_BACKEND_STORE=$MLFLOW_DB_URL
export CLINICODE_ARTIFACT_ROOT=$DIR/mlartifacts
export CLINICODE_AUDIT_URL=$AUDIT_DB_URL
EOF
}

case "${1:-}" in
  start)
    mkdir -p "$DIR"
    pg_isready -q || { echo "PostgreSQL does not answer on $PGHOST:$PGPORT" >&2; exit 1; }
    for db in prefect mlflow audit; do ensure_database "${PREFIX}_$db"; done
    start_prefect
    start_mlflow  # both start at once; each waits on its own database
    wait_for prefect "$PREFECT_API/health" "$DIR/prefect.pid"
    wait_for mlflow "$MLFLOW_URI/health" "$DIR/mlflow.pid"
    echo "# point clinicode at them:"; print_env
    ;;
  stop) stop_one mlflow; stop_one prefect ;;
  env) print_env ;;
  status)
    answers "$PREFECT_API/health" && echo "prefect up at $PREFECT_API" || echo "prefect down"
    answers "$MLFLOW_URI/health" && echo "mlflow up at $MLFLOW_URI" || echo "mlflow down"
    ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
