#!/usr/bin/env bash
# Renders the engineer's app's main screens — case list, a case at the
# diagnose, resolve and timeline steps, the new-case dialog, preferences —
# at 1280×800 and 360×720, in English and Chinese (zh_CN), into
# docs/screenshots/. Runs under Xvfb; needs no window manager: the tool
# (tests/ui/fc-screenshots.c) draws each window through GTK's own renderer.
#
#   tools/screenshots.sh [BUILD_DIR]      (default: build-ui)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-ui}
out=docs/screenshots

[ -d "$build" ] || meson setup "$build" >/dev/null
ninja -C "$build" -j2 tests/ui/fc-screenshots app/fieldcase-cli/fieldcase-cli \
  app/fieldcase/data/gschemas.compiled po/zh_CN/LC_MESSAGES/fieldcase.mo >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The demo data the app offers on first start.
"$build/app/fieldcase-cli/fieldcase-cli" --store "$work/demo.db" demo >/dev/null

export GTK_A11Y=none NO_AT_BRIDGE=1 GDK_BACKEND=x11
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$PWD/$build/app/fieldcase/data"
export FIELDCASE_LOCALEDIR="$PWD/$build/po"
mkdir -p "$out"
for size in 1280x800 360x720; do
  for lang in en:C zh:zh_CN; do
    tag=${lang%%:*}
    LANGUAGE=${lang##*:} LC_ALL=C.UTF-8 xvfb-run -a -s "-screen 0 1280x800x24" \
      "$build/tests/ui/fc-screenshots" --store "$work/demo.db" --out "$out" \
      --width "${size%x*}" --height "${size#*x}" --lang "$tag" 2>/dev/null
  done
done
