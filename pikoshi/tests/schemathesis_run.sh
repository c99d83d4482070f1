#!/usr/bin/env bash
# Fuzz the live JSON API against its own OpenAPI schema with schemathesis 4.x.
#
# Starts gunicorn on a free loopback port with a throwaway SQLite database (or the
# database named by DATABASE_URL), seeds a verified user with a few photos, and runs
# schemathesis with a Bearer token. Fails on any 5xx or any answer that does not match
# the schema. Bounded: ~20 examples per operation, hard stop after SCHEMATHESIS_TIMEOUT s.
#
# The same cases in the same order every run (fixed seed, deterministic generation, one
# worker): a red CI is then a real regression, not a draw. Two workers once sent a DELETE
# and a PATCH of the same album at the same moment and found a 500 by chance; that class
# of bug (a row deleted mid-request) is now pinned by gallery/tests/test_concurrent_deletes.py.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Absolute: the run changes into its work folder before the last check.
PY=${PY:-$PWD/.venv/bin/python}
SCHEMATHESIS=${SCHEMATHESIS:-$PWD/.venv/bin/schemathesis}
GUNICORN=${GUNICORN:-$PWD/.venv/bin/gunicorn}
# A hard stop, not the budget: alone on a CI machine the run takes about two minutes.
TIMEOUT=${SCHEMATHESIS_TIMEOUT:-240}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-20}
STATEFUL_MAX_STEPS=${SCHEMATHESIS_STATEFUL_MAX_STEPS:-8}
STATEFUL_SCENARIOS=${SCHEMATHESIS_STATEFUL_SCENARIOS:-150}

work=$(mktemp -d -t pikoshi-schemathesis-XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=pikoshi.settings
export DEBUG=1
export MEDIA_ROOT="$work/media"
export PIKOSHI_UPLOAD_DIR="$work/uploads"
export JWT_ACCESS_MINUTES=60
# The fuzzer is not an abuser: keep the rate limits out of its way (429 is still documented).
export THROTTLE_UPLOAD=100000/min THROTTLE_UPLOAD_PART=100000/min THROTTLE_AUTH=100000/min THROTTLE_DOWNLOAD=100000/min
export CACHE_KEY_PREFIX="pikoshi-schemathesis-$$"
export PYTHONUNBUFFERED=1
if [ -z "${DATABASE_URL:-}" ]; then
  export SQLITE_PATH="$work/db.sqlite3"
fi

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

"$PY" manage.py migrate --noinput -v 0
"$PY" -m pikoshi.tests.schemathesis_seed | tail -n 1 >"$work/seed.json"
seeded() { "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/seed.json" "$1"; }
token=$(seeded token)
read -r -a tokens_to_end <<<"$("$PY" -c 'import json, sys; print(*json.load(open(sys.argv[1]))["tokens_to_end"])' "$work/seed.json")"
# Real ids of seeded albums, photos and connections, drawn half of the time for the ids in
# paths (and the person to name on an album), so the fuzzer reaches the code behind the
# 404 as well as the 404 itself.
"$PY" - "$work/seed.json" "$STATEFUL_MAX_STEPS" "$STATEFUL_SCENARIOS" >"$work/schemathesis.toml" <<'PY'
import json
import sys

seed = json.load(open(sys.argv[1]))
print(f"[phases.stateful]\nmax-steps = {int(sys.argv[2])}\n")
print(f"[phases.stateful.generation]\nmax-examples = {int(sys.argv[3])}\n")
for name in ("albums", "photos", "people"):
    print(f"[dictionaries.{name}]\nvalues = {json.dumps(seed[name])}\n")


def draw(dictionary: str) -> str:
    return f'{{ dictionary = "{dictionary}", probability = 0.5 }}'


# The first block that matches an operation applies, so the most specific come first.
# `people` are the seeded account's connections: naming one on an album (body.user) is
# the only way to reach the members' operations. The fuzzing phase must not end those
# connections (DELETE) before the stateful phase gets to use them.
blocks = [
    # Removing a member draws no person (only the album, from the block below): drawn, the
    # phases before the stateful one would remove the seeded members that its updates land
    # on; the person its link hands on (one just named) is the one to remove.
    (
        r"^/api/albums/\{public_id\}/members/",
        {"path.public_id": "albums", "path.user_uuid": "people", "body.user": "people"},
        {"exclude-method": "DELETE"},
    ),
    (r"^/api/connections/\{user_uuid\}", {"path.user_uuid": "people"}, {"exclude-method": "DELETE"}),
    (r"^/api/albums/\{public_id\}", {"path.public_id": "albums"}, {}),
    (r"^/api/photos/\{public_id\}", {"path.public_id": "photos"}, {}),
]
for regex, parameters, filters in blocks:
    print("[[operations]]")
    print(f"include-path-regex = {json.dumps(regex)}")
    for key, value in filters.items():
        print(f"{key} = {json.dumps(value)}")
    drawn = ", ".join(f'"{key}" = {draw(value)}' for key, value in parameters.items())
    print(f"parameters = {{ {drawn} }}")
    print()
PY

"$GUNICORN" pikoshi.wsgi:application --bind "127.0.0.1:$port" --workers 2 --threads 2 \
  --timeout 30 --log-level warning >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 60); do
  if "$PY" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
      "$base/api/schema/" 2>/dev/null; then break; fi
  sleep 0.5
done

status=0
# From the temporary folder, so schemathesis's .schemathesis/ cache stays out of the tree.
schemathesis_bin=$(realpath "$SCHEMATHESIS")
repo=$PWD
cd "$work"
checks=not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance
# Three operations end what the rest of the run stands on: signing out (this device, or
# everywhere) revokes the very access token it is sent with, and every later case was a
# 401; "make everything private" removes every member of every album, and no update or
# removal of a member found anyone. They get a run of their own afterwards, with a token
# of their own, one operation at a time (the first sign-out would end the next one's).
ending=(auth_logout auth_sign_out_everywhere sharing_make_private)
started=$(date +%s)
# The parts of a resumable upload are raw bytes (application/offset+octet-stream).
export SCHEMATHESIS_HOOKS=pikoshi.tests.schemathesis_hooks
export PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}"
timeout "$TIMEOUT" "$schemathesis_bin" --config-file "$work/schemathesis.toml" run "$base/api/schema/" \
  --header "Authorization: Bearer $token" \
  --exclude-operation-id-regex "^($(IFS='|'; echo "${ending[*]}"))\$" \
  --checks "$checks" \
  --max-examples "$MAX_EXAMPLES" \
  --phases examples,coverage,fuzzing,stateful \
  --generation-deterministic \
  --workers 1 \
  --request-timeout 20 \
  --no-color \
  --seed "${SCHEMATHESIS_SEED:-4242}" || status=$?
left=$(( TIMEOUT - ($(date +%s) - started) ))
for i in "${!ending[@]}"; do
  [ "$status" -eq 0 ] || break
  timeout "$(( left > 30 ? left : 30 ))" "$schemathesis_bin" run "$base/api/schema/" \
    --header "Authorization: Bearer ${tokens_to_end[$i]}" \
    --include-operation-id "${ending[$i]}" \
    --checks "$checks" \
    --max-examples "$MAX_EXAMPLES" \
    --phases examples,coverage,fuzzing \
    --generation-deterministic \
    --workers 1 \
    --request-timeout 20 \
    --no-color \
    --seed "${SCHEMATHESIS_SEED:-4242}" || status=$?
done

# A run whose credential died early passes every check on 401s alone: schemathesis only
# warns. The operations the links exist for must have been reached for real (a 2xx in the
# server's request log), or the run proved nothing about them.
if ! "$PY" - "$work/server.log" <<'PY'
import json
import re
import sys

MUST_SUCCEED = {
    ("PATCH", r"/api/albums/[^/]+/members/[^/]+/"),
    ("DELETE", r"/api/albums/[^/]+/members/[^/]+/"),
    ("POST", r"/api/auth/logout/"),
    ("POST", r"/api/auth/sessions/sign-out-everywhere/"),
    ("POST", r"/api/sharing/make-private/"),
}
reached = {key: 0 for key in MUST_SUCCEED}
for line in open(sys.argv[1]):
    if not line.startswith("{"):
        continue
    entry = json.loads(line)
    for method, pattern in MUST_SUCCEED:
        if entry.get("method") == method and re.fullmatch(pattern, entry.get("path", "")):
            reached[(method, pattern)] += 200 <= entry.get("status", 0) < 300
for (method, pattern), count in sorted(reached.items()):
    print(f"schemathesis: {method} {pattern} succeeded {count} times")
sys.exit(0 if all(reached.values()) else 1)
PY
then
  echo "schemathesis: the run never succeeded at an operation it must reach"
  status=1
fi

if [ "$status" -ne 0 ]; then
  echo "schemathesis: failed (exit $status); last server log lines:"
  grep -v '^{' "$work/server.log" | tail -n 40 || true
fi
exit "$status"
