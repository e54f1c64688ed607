#!/usr/bin/env bash
# Fuzzes a running Laurel with schemathesis in GraphQL mode, per role (issue 11 §5): the demo
# database, a server on it, then, as each role in turn (and anonymously), every query and
# mutation of schema.graphql with generated input. Fails on any HTTP 5xx, any error without a
# proper code or coded INTERNAL (tests/fuzz/hooks.py), a panic in the server's log, or a server
# that stops answering. Bounded: FUZZ_EXAMPLES inputs per operation and role (default 3).
#
# Usage: bash tests/fuzz/run.sh PATH/TO/laurel    (schemathesis from PyPI, pinned, in a
# virtualenv made on first use under ~/.cache)
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$(pwd)"
LAUREL="$(realpath "$1")"
EXAMPLES="${FUZZ_EXAMPLES:-3}"
VENV="$HOME/.cache/laurel-fuzz-venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==4.32.5"

WORK="$(mktemp -d /tmp/laurel-fuzz.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

"$LAUREL" seed --demo --database-url "$WORK/laurel.db" > "$WORK/seed.txt"
PASSWORD="$(sed -n "s/.*every other demo account's password: //p" "$WORK/seed.txt")"
ADMIN_OTP="$(sed -n 's/.*one-time password: //p' "$WORK/seed.txt")"
LAUREL_LOG=warn "$LAUREL" serve --database-url "$WORK/laurel.db" --listen "127.0.0.1:$PORT" \
  > "$WORK/server.out" 2> "$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 300); do curl -sf "$BASE/healthz" > /dev/null && break; sleep 0.1; done
curl -sf "$BASE/healthz" > /dev/null || { echo "laurel serve did not start:"; tail -n 40 "$WORK/server.log"; exit 1; }
[ -n "$PASSWORD" ] && [ -n "$ADMIN_OTP" ] || { echo "the demo's passwords were not found in its output"; exit 1; }

gql() { curl -sf "$BASE/graphql" -H 'content-type: application/json' ${2:+-H "authorization: Bearer $2"} -d "$1"; }
login() { # prints the token; fails (and so does the script: each token is assigned alone) without one
  gql "{\"query\":\"mutation(\$u:String!,\$p:String!){login(input:{username:\$u,password:\$p}){token}}\",\"variables\":{\"u\":\"$1\",\"p\":\"$2\"}}" \
    | python3 -c 'import sys, json; print(json.load(sys.stdin)["data"]["login"]["token"])'
}
# The administrator first replaces the one-time password (its token serves nothing else before).
ADMIN="$(login admin "$ADMIN_OTP")"
gql "{\"query\":\"mutation(\$c:String!,\$n:String!){changePassword(input:{currentPassword:\$c,newPassword:\$n}){account{username}}}\",\"variables\":{\"c\":\"$ADMIN_OTP\",\"n\":\"fuzz-admin-$PASSWORD\"}}" "$ADMIN" > /dev/null
ADMIN="$(login admin "fuzz-admin-$PASSWORD")"

failed=0
fuzz() { # role, token (empty: anonymous)
  echo "--- fuzzing as $1"
  local auth=()
  [ -n "$2" ] && auth=(-H "Authorization: Bearer $2")
  # logout and changePassword would end the role's session halfway; they have tests of their own.
  # Run from the scratch directory: schemathesis keeps a cache in its working directory.
  if ! (cd "$WORK" && SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$REPO/tests/fuzz" "$VENV/bin/schemathesis" run "$REPO/schema.graphql" \
      --url "$BASE/graphql" "${auth[@]}" \
      --checks laurel_no_fault --max-examples "$EXAMPLES" --workers 2 --seed 20261201 \
      --exclude-name-regex '^Mutation\.(logout|changePassword)$' \
      --request-timeout 30 --no-color > "$WORK/fuzz-$1.txt" 2>&1); then
    echo "schemathesis found faults as $1:"; tail -n 80 "$WORK/fuzz-$1.txt"; failed=1
  else
    grep -E "^Test cases:|generated" "$WORK/fuzz-$1.txt" | tail -n 1
  fi
}
CLERK="$(login vanthu.cp "$PASSWORD")"
HEAD="$(login truong.cp "$PASSWORD")"
OFFICE="$(login tdkt.cagl "$PASSWORD")"
SECRETARY="$(login thuky.cagl "$PASSWORD")"
SIGNER="$(login pgd.son "$PASSWORD")"
fuzz anonymous ""
fuzz clerk "$CLERK"
fuzz unit-head "$HEAD"
fuzz office "$OFFICE"
fuzz council-secretary "$SECRETARY"
fuzz signer "$SIGNER"
fuzz administrator "$ADMIN"

curl -sf "$BASE/healthz" > /dev/null || { echo "the server stopped answering"; failed=1; }
if grep -n "panicked" "$WORK/server.log"; then echo "the server panicked"; failed=1; fi
[ "$failed" = 0 ] && echo "fuzzing: no fault" && rm -rf "$WORK"
exit "$failed"
