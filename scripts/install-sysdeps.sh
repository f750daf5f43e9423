#!/usr/bin/env bash
# Install the Debian packages yitu needs when they are missing:
#   fonts-noto-cjk   Chinese text in map images (always)
#   chromium, chromium-driver   the real-browser HTML tests (with --test)
# As root it installs them; as a user with sudo it uses sudo; otherwise it prints the one
# command to run as root and exits 0 (the tests that need a package say so themselves).
set -euo pipefail
want=()
# capture first: `fc-list | grep -q` under pipefail fails at random with 141 (grep exits at the
# first match and fc-list dies of SIGPIPE), which read as "no CJK font" and reinstalled fonts
fonts="$(fc-list 2>/dev/null || true)"
shopt -s nocasematch
[[ "$fonts" =~ (Noto\ Sans\ CJK|Noto\ Serif\ CJK|WenQuanYi|SimHei) ]] || want+=(fonts-noto-cjk fontconfig)
shopt -u nocasematch
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || want+=(chromium-driver)
fi
[ ${#want[@]} -eq 0 ] && exit 0
cmd="apt-get install -y --no-install-recommends ${want[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  {
    echo "yitu needs these Debian packages, which are not installed: ${want[*]}"
    echo "install them as root (no sudo here):"
    echo "    apt-get update && $cmd"
  } >&2
  exit 0
fi
echo "installing Debian packages: ${want[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${want[@]}"
