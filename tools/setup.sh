#!/usr/bin/env bash
# Installs what Fieldcase needs to build, run and test on Debian 12.
# Idempotent: installs only what is missing, so a second run is instant.
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-bin libglib2.0-dev-bin libgtk-4-dev libgtk-4-bin libadwaita-1-dev
  libsqlite3-dev sqlite3 libsoup-3.0-dev libjson-glib-dev libzbar-dev libqrencode-dev
  libgdk-pixbuf-2.0-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good libgtk-4-media-gstreamer
  desktop-file-utils appstream xvfb xauth dbus-daemon dbus-x11 librsvg2-common libgl1-mesa-dri
  locales xdotool imagemagick fonts-wqy-microhei zbar-tools zint
  clang libclang-rt-14-dev python3 curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
