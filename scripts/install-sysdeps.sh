#!/usr/bin/env bash
# Install the Debian packages yitu needs when they are missing:
#   fonts-noto-cjk   Chinese text in map images (always)
#   chromium, chromium-driver   the real-browser HTML tests (with --test)
set -euo pipefail
want=()
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK\|Noto Serif CJK\|WenQuanYi\|SimHei' || want+=(fonts-noto-cjk fontconfig)
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || want+=(chromium-driver)
fi
[ ${#want[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${want[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${want[@]}"
