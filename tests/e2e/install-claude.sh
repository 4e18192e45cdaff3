#!/bin/sh
# Installs the two Claude Code CLIs the end-to-end tests drive, each from its committed npm lock file:
#   tests/e2e/package-lock.json         (the pinned version)  -> <repo>/.tools/node_modules/.bin/claude
#   tests/e2e/newest/package-lock.json  (the newest, raised deliberately) -> <repo>/.tools/newest/node_modules/.bin/claude
# Needs node + npm and the npm registry only; with --install-node it first installs Debian's nodejs and npm
# when they are missing (as root, for CI). Does nothing for a copy that already matches its lock file.
# About 7 s per version on a cold npm cache. The newest version declares node >= 22 in its `engines`, but
# what npm installs is a native binary (node only runs the install): npm's EBADENGINE warning is expected.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ "${1:-}" = "--install-node" ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "install-claude.sh: npm is not installed (rerun with --install-node as root)" >&2
    exit 1
fi

# install LOCK_DIR TOOLS_DIR: npm ci of LOCK_DIR's package.json + package-lock.json into TOOLS_DIR.
install() {
    lock_dir=$1
    tools=$2
    bin="$tools/node_modules/.bin/claude"
    if [ -x "$bin" ] && cmp -s "$lock_dir/package-lock.json" "$tools/package-lock.json"; then
        return 0
    fi
    mkdir -p "$tools"
    cp "$lock_dir/package.json" "$lock_dir/package-lock.json" "$tools/"
    # npm ci: exactly the lock file; the package's postinstall step puts the platform binary in place.
    (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
    "$bin" --version
}

install "$here" "$repo/.tools"
install "$here/newest" "$repo/.tools/newest"
