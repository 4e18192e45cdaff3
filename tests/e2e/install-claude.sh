#!/bin/sh
# Installs the pinned Claude Code CLI (tests/e2e/package-lock.json) into <repo>/.tools/,
# so that <repo>/.tools/node_modules/.bin/claude exists. Needs node + npm and the npm registry only.
# Does nothing when the installed copy already matches the lock file.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tools="$repo/.tools"
bin="$tools/node_modules/.bin/claude"

if ! command -v npm >/dev/null 2>&1; then
    echo "install-claude.sh: npm is not installed" >&2
    exit 1
fi

if [ -x "$bin" ] && cmp -s "$here/package-lock.json" "$tools/package-lock.json"; then
    exit 0
fi

mkdir -p "$tools"
cp "$here/package.json" "$here/package-lock.json" "$tools/"
# npm ci: exactly the lock file; the package's postinstall step puts the platform binary in place.
(cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)

"$bin" --version
