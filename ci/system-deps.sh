#!/usr/bin/env bash
# System packages from Debian, installed when missing and running as root with apt-get;
# otherwise says what is missing.
#   ci/system-deps.sh build   what installing veille needs: PyICU (followthemoney's
#                             dependency, for `veille export --format ftm`) has no wheel on
#                             PyPI and builds from source against ICU with a C++ compiler
#                             and Python's headers.
#   ci/system-deps.sh         what the test suite uses: Chromium for the dashboard's browser
#                             tests, PostgreSQL (+ contrib for unaccent) for the PostgreSQL
#                             store tests (without them those tests skip with that reason).
set -u
missing=()
if [ "${1:-}" = "build" ]; then
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
    command -v g++ >/dev/null 2>&1 || missing+=(g++)
    pkg-config --exists icu-uc 2>/dev/null || missing+=(libicu-dev)
    python3 -c 'import os, sysconfig; os.stat(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' \
        2>/dev/null || missing+=(python3-dev)
    consequence="installing veille will fail while building PyICU"
else
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql postgresql-contrib)
    consequence="the tests that need them will skip"
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || echo "could not install ${missing[*]}: $consequence"
else
    echo "missing Debian packages: ${missing[*]} (apt-get install them as root); $consequence"
fi
exit 0
