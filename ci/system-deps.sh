#!/usr/bin/env bash
# System packages the test suite uses, from Debian: Chromium for the dashboard's browser
# tests, PostgreSQL (+ contrib for unaccent) for the PostgreSQL store tests. Installed when
# missing and running as root with apt-get; otherwise says what is missing (those tests
# then skip with that reason, never silently).
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql postgresql-contrib)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || echo "could not install ${missing[*]}: the tests that need them will skip"
else
    echo "missing Debian packages: ${missing[*]} (apt-get install them as root); the tests that need them will skip"
fi
exit 0
