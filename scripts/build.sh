#!/bin/sh
# Builds the service into build/ (meson + ninja) and the web UI into web/dist (scripts/web.sh),
# installing build dependencies if missing.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
if [ ! -f build/build.ninja ]; then
    meson setup build >/dev/null
fi
ninja -C build >/dev/null
scripts/web.sh
