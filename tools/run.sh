#!/usr/bin/env bash
# Builds Fieldcase and runs it on its embedded default store
# ($FIELDCASE_STORE, else ~/.local/share/fieldcase/fieldcase.db).
# With a display: the app. Without one: the command-line tool's demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null

if [ -x build/app/fieldcase/fieldcase ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec build/app/fieldcase/fieldcase "$@"
fi
cli=build/app/fieldcase-cli/fieldcase-cli
"$cli" demo
"$cli" urgent --limit 10
