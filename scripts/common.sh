# shellcheck shell=bash
# Shared by scripts/elasticsearch.sh and scripts/corenlp.sh (sourced, not run): where
# downloads are cached, how messages look, and how a JDK's version is read.

# shellcheck disable=SC2034 # these are read by the scripts that source this file
PROG="${0##*/}"
# shellcheck disable=SC2034
MAVEN_REPO="${HOMEWARD_MAVEN_REPO:-https://repo1.maven.org/maven2}"

# Downloads and installs live outside the repository: HOMEWARD_CACHE, else the
# system cache for root (no home folder to open to a service user), else the user's.
# shellcheck disable=SC2034
if [[ -n "${HOMEWARD_CACHE:-}" ]]; then
  CACHE_ROOT="$HOMEWARD_CACHE"
elif [[ "$(id -u)" -eq 0 ]]; then
  CACHE_ROOT=/var/cache/homeward
else
  CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/homeward"
fi

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}
say() { printf '%s: %s\n' "$PROG" "$*" >&2; }

need() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 ||
      die "'$cmd' is required but not installed (Debian/Ubuntu: apt-get install $cmd)"
  done
}

java_major() { # JDK dir -> major version (17, 21, 25...)
  local home="$1" v=""
  if [[ -f "$home/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")"
  fi
  if [[ -z "$v" && -x "$home/bin/java" ]]; then
    v="$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)"
  fi
  v="${v#1.}"
  printf '%s\n' "${v%%[._+-]*}"
}
