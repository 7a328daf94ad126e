#!/usr/bin/env bash
# Files for virtual threads: weft (io_uring READ/WRITE) vs FileChannel on virtual threads.
# 100 and 1,000 virtual threads on one 1 GiB file, random 4 KiB reads and one 64 KiB append per
# 16 reads, page cache warm ("cached") and dropped ("uncached": posix_fadvise(DONTNEED) on the
# file before the run and every 0.5 s during it, after an fsync, so most reads go to the disk).
# Each configuration runs ROUNDS times, weft and jdk interleaved; the file is cut back to 1 GiB
# before every run. Prints one line per run (see dev.weft.samples.FileBench) and deletes the file.
#
#   bench/files.sh [SECONDS] [ROUNDS] [MODES]   (defaults 8, 2 and "cached uncached")
#   WEFT_BENCH_FILE=/path/to/file bench/files.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
JAVA="$(find_jdk25)/bin/java"
build_if_needed

seconds="${1:-8}"
rounds="${2:-2}"
modes="${3:-cached uncached}"
file="${WEFT_BENCH_FILE:-/tmp/weft-files-bench/data}"
mkdir -p "$(dirname "$file")"
trap 'rm -f "$file"; [ -n "${dropper:-}" ] && kill "$dropper" 2>/dev/null || true' EXIT

if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -lt $((1 << 30)) ]; then
    echo "making a 1 GiB file of random bytes at $file" >&2
    head -c 1G /dev/urandom > "$file"
fi

drop_cache() {
    python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
os.close(fd)' "$file"
}

cached_percent() {
    fincore --bytes --noheadings --output RES,SIZE "$file" | awk '{ printf "%.0f", 100 * $1 / $2 }'
}

echo "kernel $(uname -r), $(nproc) CPUs, $("$JAVA" -version 2>&1 | head -1)"
for cache in $modes; do
    for threads in 100 1000; do
        for round in $(seq "$rounds"); do
            for impl in weft jdk; do
                truncate -s 1G "$file"
                if [ "$cache" = cached ]; then
                    cat "$file" > /dev/null
                else
                    drop_cache
                    ( while true; do sleep 0.5; drop_cache; done ) &
                    dropper=$!
                fi
                line=$("$JAVA" --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes \
                    dev.weft.samples.FileBench "$impl" "$file" "$threads" "$seconds")
                if [ "$cache" = uncached ]; then
                    kill "$dropper"; wait "$dropper" 2>/dev/null || true; dropper=
                fi
                echo "cache=$cache round=$round $line pageCacheAtEnd=$(cached_percent)%"
            done
        done
    done
done
