#!/usr/bin/env bash
# Compiles the Windows ABI probe with mingw-w64 into <repo>/target/windows-probe/abi_probe.exe.
# Usage: native-bindings/probe/windows/build.sh   (from anywhere; prints the exe path)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out="$repo/target/windows-probe"
mkdir -p "$out"
x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O1 -o "$out/abi_probe.exe" "$here/abi_probe.c"
echo "$out/abi_probe.exe"
