#!/bin/sh
# Installs the Debian packages ichigen needs, and nothing else. Idempotent: when everything is
# present it costs one dpkg-query call. Profiles add to each other:
#   build  compiler, meson/ninja and the libraries the service links (libpq: the PostgreSQL
#          backend, issue 14)
#   test   + PostgreSQL 15 (scripts/pg.sh starts a throw-away cluster), cmocka (unit tests),
#          libcurl (integration-test client), python3-aiosmtpd and openssl (the real SMTP server
#          and its certificate in tests/integration/itest_mail.c)
#   fuzz   + clang with its libFuzzer runtime (only `make fuzz` needs it)
# The web UI (web/, built by scripts/web.sh) needs node and npm for every profile, and the test
# profile also Chromium for tests/browser. Those are asked for by command rather than by package:
# Debian 12's nodejs (18.19/18.20) with its npm (9.2) is what a fresh machine gets, but a machine
# that already has node and npm from elsewhere (e.g. a NodeSource nodejs, whose package conflicts
# with Debian's npm) must not have them replaced.
# Runs `apt-get update` only when something must be installed; never asks questions.
set -eu

profile=${1:-build}

pkgs_build="gcc libc6-dev make pkg-config meson ninja-build libmicrohttpd-dev libjansson-dev \
libsqlite3-dev libsodium-dev libssl-dev tzdata \
libcairo2-dev fonts-noto-cjk fontconfig libxlsxwriter-dev libcurl4-openssl-dev ca-certificates \
liboath-dev libpq-dev"
pkgs_test="$pkgs_build postgresql-15 libcmocka-dev poppler-utils unzip python3-aiosmtpd openssl"
pkgs_fuzz="$pkgs_test clang libclang-rt-14-dev"

case "$profile" in
build) want=$pkgs_build ;;
test | bench) want=$pkgs_test ;;
fuzz) want=$pkgs_fuzz ;;
*)
    echo "deps.sh: unknown profile '$profile' (build, test, bench, fuzz)" >&2
    exit 2
    ;;
esac

command -v node >/dev/null 2>&1 || want="$want nodejs"
command -v npm >/dev/null 2>&1 || want="$want npm"
if [ "$profile" != build ] && [ ! -x /usr/bin/chromium ]; then
    want="$want chromium"
fi

missing=""
for p in $want; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo -n"
else
    echo "deps.sh: need root (or sudo) to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >&2
