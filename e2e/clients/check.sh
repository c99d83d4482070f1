#!/usr/bin/env bash
# Type-check life.ts (a mobile app's whole life in TypeScript, openapi-fetch) against types
# that openapi-typescript generates from both documents as the server serves them now:
# `tsc --noEmit` under `strict`, so a document that cannot express a step fails here.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PY:-../../.venv/bin/python}
started=$(date +%s)

npm ci --no-audit --no-fund --loglevel=error
work=$(mktemp -d -t pikoshi-clients-XXXXXX)
trap 'rm -rf "$work"' EXIT
# The request log lines go to a file: shown only if the documents cannot be written.
if ! "$PY" dump_documents.py "$work/documents" 2>"$work/dump.log"; then
  cat "$work/dump.log"
  exit 1
fi
node generate.mjs "$work/documents" generated
npx --no-install tsc --noEmit -p .
echo "clients: life.ts type-checks against both documents ($(( $(date +%s) - started ))s)"
