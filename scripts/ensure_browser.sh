#!/usr/bin/env bash
# Make sure Debian's Chromium and the CJK fonts are installed for the browser tests.
# Never downloads a browser build of its own: only Debian's packages, only as root, and `apt-get update`
# only when installing from the package lists already on the machine fails.
set -euo pipefail

missing=()
# fonts-liberation is only a Recommends of chromium's: named so that pages render as they do with recommends.
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
if command -v dpkg-query >/dev/null && ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed'; then
  missing+=(fonts-noto-cjk)
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "ensure_browser: /usr/bin/chromium and fonts-noto-cjk are installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "ensure_browser: missing ${missing[*]} and cannot install (needs root and apt-get):" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  echo "ensure_browser: the browser tests will be skipped (outside CI) or fail (in CI)" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y -q --no-install-recommends "${missing[@]}"; }
echo "ensure_browser: installing ${missing[*]}"
if ! install; then
  apt-get update -q
  install
fi
