#!/usr/bin/env bash
# The Windows soak lane: SoakTest (Soak's mixed load) for SECONDS on the IOCP backend under Wine.
#
#   .ci/windows-soak.sh SECONDS
#
# Under Wine 8.0 (Debian's wine64), about once in five to ten minutes of this load, one
# overlapped WSASend or WSARecv on a busy connection never completes. Seen with `ss` from Linux
# while it happened: a pending WSARecv while its socket held 98,304 unread bytes for a minute; a
# pending WSASend whose 8,192 bytes had reached the peer (which had checked every byte) while its
# completion never came, though CancelIoEx could still end it; a pending WSASend with both
# sockets' kernel queues empty, which not even CancelIoEx ended. weft's own checks (one operation
# in flight per native context, exactly one completion each, none stray) held every time. The
# soak reports a connection that moved no byte for 30 s, with where every thread waits, closes it
# and fails. When a stalled connection is what failed the run, the run is made once more, and
# that one must pass: any other failure, or a second stall, fails the lane.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:?usage: .ci/windows-soak.sh SECONDS}"
log=target/windows-lane/last-run.log

run_soak() {
  WEFT_LANE_DETAILS=summary WEFT_LANE_JVM_OPTS="${WEFT_LANE_JVM_OPTS:-} -Dweft.soak.seconds=$seconds" \
    .ci/windows-lane.sh --select-class dev.weft.reliability.SoakTest
}

if run_soak; then
  exit 0
fi
if ! grep -q '^\[soak\] problem: a connection stalled' "$log"; then
  exit 1
fi
echo "[windows-soak] the run failed on a stalled connection (see above): once more, and this one must pass"
run_soak
