#!/bin/sh
# run-fuzz.sh [SECONDS]: build the GS1 / validation-gate fuzz target with
# clang + libFuzzer + ASan + UBSan (no meson needed) and run it for SECONDS
# (default 30) from the seed corpus in fuzz-corpus/.
#
# New inputs go to a scratch corpus, not into the repository; a crash leaves
# crash-* / leak-* files in $FUZZ_OUT (default: a temporary directory) and
# makes this script fail. CC may name another clang (default: clang, then
# clang-14).
set -eu

seconds=${1:-30}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/fc-fuzz-gs1.XXXXXX")}
cc=${CC:-}
if [ -z "$cc" ]; then
  if command -v clang >/dev/null 2>&1; then cc=clang; else cc=clang-14; fi
fi

sanitize="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
# shellcheck disable=SC2046,SC2086  # word splitting of flags is intended
$cc -std=gnu11 -g -O1 $sanitize -fno-omit-frame-pointer \
  -Wall -Wextra -Werror -Wno-unused-parameter \
  -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
  '-DG_LOG_DOMAIN="fc-scan"' -I"$root/core/scan" \
  $(pkg-config --cflags glib-2.0 gobject-2.0) \
  "$here/fuzz-gs1.c" "$root/core/scan/fc-gs1.c" "$root/core/scan/fc-barcode.c" \
  $(pkg-config --libs glib-2.0 gobject-2.0) \
  -o "$out/fuzz-gs1"

mkdir -p "$out/corpus"
echo "fuzz-gs1: ${seconds}s, artifacts in $out" >&2
cd "$out"
./fuzz-gs1 -max_total_time="$seconds" -max_len=600 -timeout=10 -print_final_stats=1 \
  -dict="$here/fuzz-gs1.dict" "$out/corpus" "$here/fuzz-corpus"
