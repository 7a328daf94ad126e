#!/usr/bin/env bash
# The Windows soak lane: SoakTest (Soak's mixed load) for SECONDS on the IOCP backend under Wine.
#
#   .ci/windows-soak.sh SECONDS
#
# The soak reports a connection that moved no byte for 30 s, with where every thread waits,
# closes it and fails. Such stalls were once blamed on Wine and given a second run here; they
# were a lost wake-up in weft (PendingOp.finish, fixed with PendingOpTest's leftover-permit
# test), so a stall fails the lane like any other failure.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:?usage: .ci/windows-soak.sh SECONDS}"

WEFT_LANE_DETAILS=summary WEFT_LANE_JVM_OPTS="${WEFT_LANE_JVM_OPTS:-} -Dweft.soak.seconds=$seconds" \
  .ci/windows-lane.sh --select-class dev.weft.reliability.SoakTest
