#!/bin/sh
# run-fuzz.sh [SECONDS]: every libFuzzer target for SECONDS in all (default
# 20), split between them: the GS1 parser and validation gate
# (tests/scan/run-fuzz.sh) and the sync page parser with the JSON reader
# under it (fuzz-wire.c). Each is built with clang + libFuzzer + ASan + UBSan,
# no meson needed.
#
# New inputs go to a scratch corpus, not into the repository; a crash leaves
# crash-* / leak-* files in $FUZZ_OUT (default: a temporary directory per
# target) and makes this script fail. CC may name another clang (default:
# clang, then clang-14).
set -eu

seconds=${1:-20}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cc=${CC:-}
if [ -z "$cc" ]; then
  if command -v clang >/dev/null 2>&1; then cc=clang; else cc=clang-14; fi
fi
gs1_seconds=$((seconds / 2))
wire_seconds=$((seconds - gs1_seconds))
status=0

if [ -n "${FUZZ_OUT:-}" ]; then
  mkdir -p "$FUZZ_OUT/gs1" "$FUZZ_OUT/wire"
  FUZZ_OUT="$FUZZ_OUT/gs1" CC=$cc sh "$root/tests/scan/run-fuzz.sh" "$gs1_seconds" || status=1
  out=$FUZZ_OUT/wire
else
  CC=$cc sh "$root/tests/scan/run-fuzz.sh" "$gs1_seconds" || status=1
  out=$(mktemp -d "${TMPDIR:-/tmp}/fc-fuzz-wire.XXXXXX")
fi
sanitize="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
# shellcheck disable=SC2046,SC2086  # word splitting of flags is intended
$cc -std=gnu11 -g -O1 $sanitize -fno-omit-frame-pointer \
  -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
  -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
  '-DG_LOG_DOMAIN="fc-sync"' -I"$root/core" -I"$root/sync" \
  $(pkg-config --cflags glib-2.0 gobject-2.0 gio-2.0 json-glib-1.0 libsoup-3.0) \
  "$here/fuzz-wire.c" "$root/sync/fc-sync-wire.c" "$root/core/fc-json-reader.c" \
  "$root/core/fc-event.c" "$root/core/fc-ids.c" "$root/core/fc-error.c" \
  $(pkg-config --libs glib-2.0 gobject-2.0 json-glib-1.0) -lm \
  -o "$out/fuzz-wire"

mkdir -p "$out/corpus"
echo "fuzz-wire: ${wire_seconds}s, artifacts in $out" >&2
cd "$out"
./fuzz-wire -max_total_time="$wire_seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
  -dict="$here/fuzz-wire.dict" "$out/corpus" "$here/corpus" || status=1
exit $status
