#!/bin/sh
# Qt's system libraries on Debian/Ubuntu. As root: installs what is missing with apt-get.
# Otherwise: prints the exact command and stops. On other systems: does nothing.
set -eu

command -v dpkg-query >/dev/null 2>&1 || exit 0

# Offscreen (tests) needs the first line; a real X display also needs the xcb libraries.
PACKAGES="libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
libxcb-randr0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0"

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ]; then
    echo "Installing Qt's system libraries:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # Wait for another apt (unattended upgrades, a second shell) instead of failing at once.
    lock="-o DPkg::Lock::Timeout=300"
    # shellcheck disable=SC2086
    apt-get $lock update -qq
    # shellcheck disable=SC2086
    apt-get $lock install -y -qq --no-install-recommends $missing
else
    echo "Qt needs system libraries that are missing. Run:" >&2
    echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
