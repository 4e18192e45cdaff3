#!/bin/sh
# Install compound-memory's dependencies in the foreground (the plugin otherwise does this by itself, in the
# background, on its first SessionStart). Creates the plugin's own virtual environment in its data folder from
# the runtime lock requirements.txt (no test tools: those are in requirements-dev.txt).
set -e
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
python=${MEMORY_BOOTSTRAP_PYTHON:-python3}
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "compound-memory needs Python 3.10 or newer")'
cd "$here"
PYTHONPATH="$here" "$python" -m memory.bootstrap --foreground
echo "compound-memory: done. Check with: sh \"$here/hooks/run\" cli doctor"
