#!/usr/bin/env bash
# Time from launch to the first visible window, under Xvfb, median of N runs:
#   Fieldcase on a 100k-case store, a bare libadwaita window (the floor),
#   and gnome-text-editor, in the same X server, interleaved.
# Target: Fieldcase within 1.25× the bare window, under half gnome-text-editor.
#
#   tests/bench/bench-first-window.sh [RUNS] [BUILD_DIR]   (5, build-ui-rel)
#
# Uses /work/shared/tools/first-window (xdotool polling for a visible window
# whose title matches). The 100k store comes from bench-core --generate and
# is kept in $FIELDCASE_BENCH_STORE (default /tmp/fieldcase-bench-100k.db).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
build=${2:-build-ui-rel}
store=${FIELDCASE_BENCH_STORE:-/tmp/fieldcase-bench-100k.db}
first_window=${FIRST_WINDOW:-/work/shared/tools/first-window}

[ -d "$build" ] || meson setup "$build" --buildtype=release >/dev/null
ninja -C "$build" -j2 app/fieldcase/fieldcase app/fieldcase/data/gschemas.compiled \
  tests/bench/bench-core >/dev/null
bare="$build/tests/bench/bare-adw-window"
if [ ! -x "$bare" ]; then
  bare=$(mktemp -d)/bare-adw-window
  cc -O2 -o "$bare" tests/bench/bare-adw-window.c $(pkg-config --cflags --libs libadwaita-1)
fi
if [ ! -s "$store" ]; then
  echo "# generating $store (100k cases, ~1M events) …" >&2
  "$build/tests/bench/bench-core" --generate "$store" >&2
fi
command -v gnome-text-editor >/dev/null || { echo "gnome-text-editor is missing (apt-get install gnome-text-editor)" >&2; exit 1; }

export GTK_A11Y=none NO_AT_BRIDGE=1 GDK_BACKEND=x11 GSETTINGS_BACKEND=memory
export GSETTINGS_SCHEMA_DIR="$PWD/$build/app/fieldcase/data"
export FIELDCASE_STORE="$store"
app="$PWD/$build/app/fieldcase/fieldcase"
tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT

# One X server and one session bus for all, so each pays the same costs.
# SESSION_BUS=0: no session bus at all (as a bare xvfb-run gives), where
# GApplication's registration fails fast and each program starts alone.
bus=(dbus-run-session --)
if [ "${SESSION_BUS:-1}" = 0 ]; then bus=(env -u DBUS_SESSION_BUS_ADDRESS); fi
xvfb-run -a -s '-screen 0 1280x800x24' "${bus[@]}" bash -c '
  runs=$1 fw=$2 app=$3 bare=$4 out=$5
  # A warm-up of each: the page cache holds the libraries for every run.
  "$fw" "Fieldcase" "$app" >/dev/null; "$fw" "Bare" "$bare" >/dev/null
  "$fw" "Text Editor|Untitled" gnome-text-editor --new-window --standalone >/dev/null
  # A run whose program died before showing a window ("exited") is retried
  # once, then left out of the median.
  run () { local r; r=$("$fw" "$@") || r=$("$fw" "$@") || r=exited; echo "$r"; }
  for i in $(seq "$runs"); do
    run "Fieldcase" "$app" >> "$out/fieldcase"
    run "Bare" "$bare" >> "$out/bare"
    run "Text Editor|Untitled" gnome-text-editor --new-window --standalone >> "$out/gte"
  done
' _ "$runs" "$first_window" "$app" "$bare" "$tmpdir"

median () { grep -E '^[0-9]+$' "$1" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
f=$(median "$tmpdir/fieldcase"); b=$(median "$tmpdir/bare"); g=$(median "$tmpdir/gte")
echo "runs: $runs   store: $store ($(du -h "$store" | cut -f1))   session bus: ${SESSION_BUS:-1}"
printf '%-28s %8s   %s\n' "program" "median" "all runs (ms)"
printf '%-28s %6s ms   %s\n' "fieldcase (100k cases)" "$f" "$(tr '\n' ' ' < "$tmpdir/fieldcase")"
printf '%-28s %6s ms   %s\n' "bare libadwaita window" "$b" "$(tr '\n' ' ' < "$tmpdir/bare")"
printf '%-28s %6s ms   %s\n' "gnome-text-editor" "$g" "$(tr '\n' ' ' < "$tmpdir/gte")"
awk -v f="$f" -v b="$b" -v g="$g" 'BEGIN {
  printf "fieldcase / bare = %.2f (target <= 1.25)   fieldcase / gnome-text-editor = %.2f (target < 0.5)\n", f / b, f / g }'
