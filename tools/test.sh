#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: once in a normal
# build, once under AddressSanitizer + UndefinedBehaviorSanitizer, plus a
# short fuzzing run. Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit 1

export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

status=0
run_suite() {   # name, build dir, meson options…
  local name=$1 dir=$2; shift 2
  echo "=== $name"
  if [ ! -d "$dir" ]; then
    meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; status=1; return; }
  fi
  ninja -C "$dir" -j2 >"$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; status=1; return; }
  meson test -C "$dir" --num-processes 2 --print-errorlogs --no-rebuild \
    --timeout-multiplier "${TIMEOUT_MULTIPLIER:-3}" || status=1
}

run_suite "tests" build-test --buildtype=debugoptimized
run_suite "tests under ASan+UBSan" build-asan --buildtype=debug \
  -Db_sanitize=address,undefined -Db_lundef=false

fuzz_passed=0 fuzz_failed=0
if [ -f tests/fuzz/run-fuzz.sh ]; then
  echo "=== fuzzing the GS1 parser and the sync page parser (${FUZZ_SECONDS:-20} s in all)"
  if bash tests/fuzz/run-fuzz.sh "${FUZZ_SECONDS:-20}"; then fuzz_passed=1; else fuzz_failed=1; status=1; fi
fi

python3 - "$fuzz_passed" "$fuzz_failed" <<'PY'
import json, sys, os
passed, failed = int(sys.argv[1]), int(sys.argv[2])
for d in ("build-test", "build-asan"):
    path = os.path.join(d, "meson-logs", "testlog.json")
    if not os.path.exists(path):
        failed += 1
        continue
    for line in open(path):
        r = json.loads(line)
        if r.get("result") in ("OK", "EXPECTEDFAIL", "SKIP"):
            passed += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed")
PY
exit $status
