#!/bin/sh
# Debian packages the test suite uses (Universal Ctags: the reference for definition coverage).
# Installed only when missing and when we may (root); otherwise the tests that need them say why they skip.
missing=""
command -v ctags >/dev/null 2>&1 && ctags --version 2>/dev/null | grep -q "Universal Ctags" || missing="$missing universal-ctags"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages:$missing"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "not installing$missing (needs root and apt-get); the tests that need it will skip"
fi
