#!/usr/bin/env bash
# Requests per second of pistil's http-hello pool (the sample application's benchmark profile) and of
# gunicorn's sync workers, with the same number of workers and the same response, measured by wrk on
# loopback in one run; prints both and their ratio. Installs wrk and gunicorn from Debian's packages
# when they are missing.
#
#   benchmarks/http-hello.sh                      # 2 workers each, 32 connections, 15 s per run
#   WORKERS=4 CONNECTIONS=64 DURATION=30s benchmarks/http-hello.sh
set -euo pipefail
cd "$(dirname "$0")/.."

WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
PISTIL_PORT=${PISTIL_PORT:-5002}
GUNICORN_PORT=${GUNICORN_PORT:-5003}

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v gunicorn >/dev/null || missing+=(gunicorn)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

jar=sample-app/target/pistil-sample-app.jar
[ -f "$jar" ] || ./mvnw -q -B -DskipTests package

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Waits until a server answers, at most a minute.
await() {
    for _ in $(seq 1 600); do
        if curl -fs "$1" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    echo "no answer from $1" >&2
    return 1
}

# Prints wrk's report on stderr and its requests per second on stdout.
measure() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$1" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | tee /dev/stderr | awk '/^Requests\/sec:/ { print $2 }'
}

java -jar "$jar" --spring.profiles.active=benchmark --spring.pid.file="$work/app.pid" \
    --pistil.workers.http-hello.workers="$WORKERS" --pistil.workers.http-hello.listen=127.0.0.1:"$PISTIL_PORT" \
    >"$work/pistil.log" 2>&1 &
pids+=($!)
await "http://127.0.0.1:$PISTIL_PORT/"
echo "== pistil http-hello pool: $WORKERS workers, threads: 1" >&2
pistil=$(measure "http://127.0.0.1:$PISTIL_PORT/")
kill -TERM "${pids[0]}"
wait "${pids[0]}" || true

gunicorn --workers "$WORKERS" --worker-class sync --backlog 2048 --bind 127.0.0.1:"$GUNICORN_PORT" \
    --chdir benchmarks hello_wsgi:app >"$work/gunicorn.log" 2>&1 &
pids+=($!)
await "http://127.0.0.1:$GUNICORN_PORT/"
echo "== gunicorn $(gunicorn --version | grep -o "[0-9][0-9.]*") sync workers: $WORKERS" >&2
gunicorn=$(measure "http://127.0.0.1:$GUNICORN_PORT/")

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $WORKERS workers each, $(nproc) cores"
echo "pistil http-hello:    $pistil requests/s"
echo "gunicorn sync:        $gunicorn requests/s"
awk -v p="$pistil" -v g="$gunicorn" 'BEGIN { printf "ratio pistil/gunicorn: %.2f\n", p / g }'
