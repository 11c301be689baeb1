#!/usr/bin/env bash
# Debian/Ubuntu packages the tests need: chromium (browser tests, driven by Playwright),
# PostgreSQL (the store's second backend), nginx (the scaled-out setup) and fonts.
set -euo pipefail
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "Run as root or install sudo: needs apt-get" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
echo "» Systeempakketten installeren (chromium, postgresql, nginx, lettertypen)…"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    chromium fonts-dejavu-core fonts-liberation postgresql nginx-light procps >/dev/null
