#!/usr/bin/env bash
# Fieldcase sync beside the PouchDB peer, on this machine, in one run.
#
#   tests/bench/run-sync-bench.sh [BUILD_DIR]        (default: build)
#
# Runs tests/bench/bench-sync (HQ in-process on 127.0.0.1, 10,000 cases =
# 60,000 events shaped like the peer's makeDoc), then the PouchDB peer's
# headline pass (PouchDB 9 ↔ pouchdb-server, 10,000 makeDoc documents), and
# prints both side by side with ratios and the targets. RUNS (default 3)
# applies to both; medians throughout. POUCHDB_PEER overrides where the
# peer's run.sh is (default: the shared folder beside the repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-${BUILD_DIR:-$root/build}}" && pwd)"
peer="${POUCHDB_PEER:-$here/../../../shared/peers/pouchdb/run.sh}"
export RUNS="${RUNS:-3}"
peer_dir="${WORKDIR_PEER:-${XDG_CACHE_HOME:-$HOME/.cache}/pouchdb-peer}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

[ -x "$build/tests/bench/bench-sync" ] || { echo "build bench-sync first: ninja -C $build tests/bench/bench-sync" >&2; exit 1; }
[ -f "$peer" ] || { echo "PouchDB peer not found at $peer (set POUCHDB_PEER)" >&2; exit 1; }

echo "== Fieldcase: $build/tests/bench/bench-sync (RUNS=$RUNS)"
"$build/tests/bench/bench-sync" 2> "$out/fieldcase.err" | tee "$out/fieldcase.txt"
echo
echo "== PouchDB peer: PASSES=100:0 RUNS=$RUNS bash $peer"
PASSES="100:0" bash "$peer" | tee "$out/pouchdb.txt"
echo

node - "$out/fieldcase.txt" "$peer_dir/results-batch100-rtt0.json" <<'JS'
const fs = require('fs');
const line = fs.readFileSync(process.argv[2], 'utf8').split('\n').find((l) => l.startsWith('BENCH_SYNC_JSON '));
const fc = JSON.parse(line.slice('BENCH_SYNC_JSON '.length));
const pd = JSON.parse(fs.readFileSync(process.argv[3], 'utf8')).summary;
const kb = (b) => (b / 1024).toFixed(1) + ' KiB';
const mb = (b) => (b / 1e6).toFixed(2) + ' MB';
const size = (b) => (b >= 1e6 ? mb(b) : kb(b));
const rows = [
  ['initial pull (empty device)', fc.pull_initial, pd.pull_initial],
  ['no-op sync', fc.noop_sync, pd.noop_sync],
  ['push: FC 1,000 offline events / PouchDB 100 changed docs', fc.push_1000, pd.push_incr],
  ['initial push: FC 60,000 events (1 run) / PouchDB 10,000 docs', fc.push_initial, pd.push_initial],
];
console.log('phase'.padEnd(62), 'Fieldcase'.padStart(28), 'PouchDB'.padStart(28), '  time ratio');
for (const [name, a, b] of rows) {
  const fmt = (x) => `${x.ms.toFixed(1)} ms ${x.requests} req ${size(x.bytesUp + x.bytesDown)}`;
  console.log(name.padEnd(62), fmt(a).padStart(28), fmt(b).padStart(28), `  ${(b.ms / a.ms).toFixed(2)}x`);
}
console.log(`HQ ingest, ${fc.ingest.devices} devices x ${fc.ingest.events_per_device} events at once: ${fc.ingest.events_per_s} events/s`);
if (fc.pull_searchable_ms) console.log(`initial pull: every case searchable ${fc.pull_searchable_ms.toFixed(1)} ms after the start (pull + background search pass; ${(pd.pull_initial.ms / fc.pull_searchable_ms).toFixed(2)}x PouchDB's pull)`);
console.log(`longest main-loop stall on the device during the initial pull: ${fc.pull_initial.stallMs} ms (5 ms probe)`);
const p = fc.pull_initial, n = fc.noop_sync, q = fc.push_1000;
const check = (ok, what) => console.log(`${ok ? 'MET ' : 'MISS'}  ${what}`);
console.log('\ntargets:');
check(pd.pull_initial.ms / p.ms >= 5, `initial pull >= 5x faster than PouchDB (${(pd.pull_initial.ms / p.ms).toFixed(2)}x)`);
check(p.requests <= 10, `initial pull <= 10 requests (${p.requests})`);
check(p.bytesUp + p.bytesDown <= 2e6, `initial pull <= 2 MB on the wire (${mb(p.bytesUp + p.bytesDown)})`);
check(q.requests <= 2, `1,000 offline events pushed in <= 2 requests (${q.requests})`);
check(n.requests === 1 && n.bytesUp + n.bytesDown < 1024, `no-op sync one request < 1 KB (${n.requests}, ${n.bytesUp + n.bytesDown} B)`);
check(p.stallMs <= 50, `no main-loop stall over 50 ms while syncing (${p.stallMs} ms)`);
JS
