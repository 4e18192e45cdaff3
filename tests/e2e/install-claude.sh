#!/bin/sh
# Installs the pinned Claude Code CLI (tests/e2e/package-lock.json) into <repo>/.tools/, so that
# <repo>/.tools/node_modules/.bin/claude exists. Needs node + npm and the npm registry only; with
# --install-node it first installs Debian's nodejs and npm when they are missing (as root, for CI).
# Does nothing when the installed copy already matches the lock file. About 5 s on a cold npm cache.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tools="$repo/.tools"
bin="$tools/node_modules/.bin/claude"

if [ "${1:-}" = "--install-node" ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "install-claude.sh: npm is not installed (rerun with --install-node as root)" >&2
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
