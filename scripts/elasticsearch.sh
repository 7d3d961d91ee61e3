#!/usr/bin/env bash
# Homeward: a real single-node Elasticsearch for tests and local use, or a small
# cluster of such nodes on this machine, to try what a real cluster does.
#
#   scripts/elasticsearch.sh start    download once, start, wait until healthy, print the URL
#   scripts/elasticsearch.sh stop     stop the node this script started
#   scripts/elasticsearch.sh status   running/stopped (exit 0 when running, 3 when not)
#   scripts/elasticsearch.sh url      print the URL
#   scripts/elasticsearch.sh cluster start [--nodes N]   the same for a cluster of N nodes
#   scripts/elasticsearch.sh cluster stop|status|url     (default 3) on ports of its own
#
# The distribution is the minimal "integ-test-zip" published on Maven Central
# (no bundled JDK, modules: transport-netty4, x-pack-core, x-pack-security, apm).
# It lacks analysis-common, so on first start the script builds (with the JDK it
# runs Elasticsearch with, against the node's own jars) and installs the small
# plugin in scripts/es-analysis-plugin/, which provides the "english" and "cjk"
# analyzers a full distribution has.
# Everything (download, install, data, logs) lives in a cache outside the repo:
#   $HOMEWARD_CACHE/elasticsearch/ when set; otherwise
#   /var/cache/homeward/elasticsearch/ for root (the node runs as a system user,
#   which must be able to reach it), ${XDG_CACHE_HOME:-$HOME/.cache}/homeward/elasticsearch/
#   for everyone else.
# See the "Elasticsearch for tests and local use" section of README.md for the
# environment variables.
set -euo pipefail

HOMEWARD_ES_VERSION="${HOMEWARD_ES_VERSION:-8.19.21}"

ES_HOST=127.0.0.1
ES_PORT="${HOMEWARD_ES_PORT:-9200}"
ES_TRANSPORT_PORT="${HOMEWARD_ES_TRANSPORT_PORT:-9300-9399}"
ES_HEAP="${HOMEWARD_ES_HEAP:-512m}"
# The cluster: node i (from 0) listens on CLUSTER_PORT+i (HTTP) and CLUSTER_TRANSPORT_PORT+i.
CLUSTER_PORT="${HOMEWARD_ES_CLUSTER_PORT:-9250}"
CLUSTER_TRANSPORT_PORT="${HOMEWARD_ES_CLUSTER_TRANSPORT_PORT:-9450}"
CLUSTER_HEAP="${HOMEWARD_ES_CLUSTER_HEAP:-384m}"
DEFAULT_CLUSTER_NODES=3
MAX_CLUSTER_NODES=9
ES_USER_FOR_ROOT="${HOMEWARD_ES_USER:-homeward-es}"
START_TIMEOUT="${HOMEWARD_ES_START_TIMEOUT:-180}"
STOP_TIMEOUT="${HOMEWARD_ES_STOP_TIMEOUT:-60}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/common.sh
source "$SCRIPT_DIR/common.sh"
ES_CACHE="$CACHE_ROOT/elasticsearch"
DOWNLOAD_DIR="$ES_CACHE/downloads"
ZIP_NAME="elasticsearch-$HOMEWARD_ES_VERSION.zip"
ZIP_URL="$MAVEN_REPO/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$HOMEWARD_ES_VERSION/$ZIP_NAME"
ES_HOME="$ES_CACHE/elasticsearch-$HOMEWARD_ES_VERSION"
CLUSTER_DIR="$ES_CACHE/cluster-$CLUSTER_PORT"
PLUGIN_NAME=homeward-analysis
PLUGIN_SRC="$SCRIPT_DIR/es-analysis-plugin"

# The nodes a command acts on: the single node, or a cluster's (use_cluster). The
# node helpers below act on the node use_node selected (ES_PORT, NODE_DIR,
# PID_FILE, CONF_DIR, URL); node 0's URL is the one printed.
MODE=single
NODE_PORTS=("$ES_PORT")
NODE_TRANSPORTS=("$ES_TRANSPORT_PORT")
NODE_DIRS=("$ES_CACHE/node-$ES_PORT")
LAUNCHERS=() # per node: the PID of the launcher this run started, else empty
HEAP="$ES_HEAP"
CLUSTER_NAME="homeward-$ES_PORT"
DISCOVERY="discovery.type: single-node"
HEALTH_WAIT="wait_for_status=yellow"
LOCK_FILE="$ES_CACHE/.node-$ES_PORT.lock"
COMMANDS="$PROG"
PORT_HINT="HOMEWARD_ES_PORT to a free port"

use_node() { # index in the node table
  ES_PORT="${NODE_PORTS[$1]}"
  ES_TRANSPORT_PORT="${NODE_TRANSPORTS[$1]}"
  NODE_DIR="${NODE_DIRS[$1]}"
  PID_FILE="$NODE_DIR/elasticsearch.pid"
  CONF_DIR="$NODE_DIR/config"
  URL="http://$ES_HOST:$ES_PORT"
}
use_node 0

# A cluster of `count` nodes: each with its own data, all master-eligible (so three
# nodes outlive the loss of any one), each finding the others by their transport ports.
use_cluster() { # count
  local count="$1" i seeds=() names=()
  MODE=cluster NODE_PORTS=() NODE_TRANSPORTS=() NODE_DIRS=()
  for ((i = 0; i < count; i++)); do
    NODE_PORTS+=("$((CLUSTER_PORT + i))")
    NODE_TRANSPORTS+=("$((CLUSTER_TRANSPORT_PORT + i))")
    NODE_DIRS+=("$CLUSTER_DIR/node-$((CLUSTER_PORT + i))")
    seeds+=("\"$ES_HOST:$((CLUSTER_TRANSPORT_PORT + i))\"")
    names+=("\"homeward-$((CLUSTER_PORT + i))\"")
  done
  HEAP="$CLUSTER_HEAP"
  CLUSTER_NAME="homeward-cluster-$CLUSTER_PORT"
  DISCOVERY="discovery.seed_hosts: [$(IFS=,; printf '%s' "${seeds[*]}")]
# read only when the cluster forms for the first time (its nodes have no data yet)
cluster.initial_master_nodes: [$(IFS=,; printf '%s' "${names[*]}")]"
  HEALTH_WAIT="wait_for_status=yellow&wait_for_nodes=$count"
  LOCK_FILE="$ES_CACHE/.cluster-$CLUSTER_PORT.lock"
  COMMANDS="$PROG cluster"
  PORT_HINT="HOMEWARD_ES_CLUSTER_PORT to the first of $count free ports"
  use_node 0
}


usage() {
  cat >&2 <<EOF
usage: $PROG start|stop|status|url
       $PROG cluster start [--nodes N] | cluster stop|status|url

  start   download Elasticsearch $HOMEWARD_ES_VERSION once, start a single node on
          $URL, wait until it is healthy, print the URL
  stop    stop the node started by this script
  status  print running/stopped; exit 0 when running, 3 when stopped
  url     print the URL ($URL)

  cluster start   start a cluster of N nodes (default $DEFAULT_CLUSTER_NODES, 2 to $MAX_CLUSTER_NODES) on HTTP
                  ports $CLUSTER_PORT.. and transport ports $CLUSTER_TRANSPORT_PORT.., wait until every
                  node has joined, print the first node's URL
  cluster stop    stop every node of the cluster
  cluster status  one line per node; exit 0 when every node runs, 3 otherwise
  cluster url     print the first node's URL (http://$ES_HOST:$CLUSTER_PORT)
EOF
}

check_port() { # variable name, value[, how many consecutive ports are used from it]
  if ! [[ "$2" =~ ^[1-9][0-9]{0,4}$ ]] || (($2 + ${3:-1} - 1 > 65535)); then
    die "$1 must be a TCP port number${3:+ (the first of up to $3, the last at most 65535)}, got '$2'"
  fi
}

check_heap() { # variable name, value
  [[ "$2" =~ ^[0-9]+[kmgKMG]$ ]] || die "$1 must look like 512m or 1g, got '$2'"
}

check_settings() {
  check_port HOMEWARD_ES_PORT "$ES_PORT"
  [[ "$ES_TRANSPORT_PORT" =~ ^[0-9]+(-[0-9]+)?$ ]] ||
    die "HOMEWARD_ES_TRANSPORT_PORT must be a port or a range like 9300-9399, got '$ES_TRANSPORT_PORT'"
  check_heap HOMEWARD_ES_HEAP "$ES_HEAP"
  check_port HOMEWARD_ES_CLUSTER_PORT "$CLUSTER_PORT" "$MAX_CLUSTER_NODES"
  check_port HOMEWARD_ES_CLUSTER_TRANSPORT_PORT "$CLUSTER_TRANSPORT_PORT" "$MAX_CLUSTER_NODES"
  check_heap HOMEWARD_ES_CLUSTER_HEAP "$CLUSTER_HEAP"
  [[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || die "HOMEWARD_ES_START_TIMEOUT must be seconds, got '$START_TIMEOUT'"
  [[ "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] || die "HOMEWARD_ES_STOP_TIMEOUT must be seconds, got '$STOP_TIMEOUT'"
  [[ "$HOMEWARD_ES_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
    die "HOMEWARD_ES_VERSION must look like 8.19.21, got '$HOMEWARD_ES_VERSION'"
}


is_root() { [[ "$(id -u)" -eq 0 ]]; }

# The user Elasticsearch runs as: never root.
es_user() {
  if is_root; then printf '%s\n' "$ES_USER_FOR_ROOT"; else id -un; fi
}

# --------------------------------------------------------------------------
# HTTP helpers

http_get() { # path -> body on stdout; fails on non-2xx or no connection
  curl -fsS --max-time "${2:-5}" "$URL$1" 2>/dev/null
}

port_open() { # [port]: true when something accepts TCP connections on it (default: HTTP)
  (exec 3<>"/dev/tcp/$ES_HOST/${1:-$ES_PORT}") 2>/dev/null
}

es_version() { # version number of the node (this distribution has no GET / handler)
  http_get "/_nodes/_local?filter_path=nodes.*.version" |
    sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' | head -n 1
}

es_health() { # cluster status (green/yellow/red)
  http_get "/_cluster/health" | sed -n 's/.*"status"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p'
}

healthy() {
  http_get "/_cluster/health?$HEALTH_WAIT&timeout=${1:-1s}" 5 |
    grep -q '"timed_out"[[:space:]]*:[[:space:]]*false'
}

port_owner() { # best effort: who listens on the port
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$ES_PORT" 2>/dev/null | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1 (pid \2)/p' | head -n 1
  fi
}

# --------------------------------------------------------------------------
# PID file: only ever act on the Elasticsearch server of *this* node.

# Print the PID from the PID file when it is a live Elasticsearch server of
# this node (its java.io.tmpdir is this node's tmp dir, set via ES_TMPDIR);
# otherwise print nothing.
our_pid() {
  local pid args
  [[ -f "$PID_FILE" ]] || return 0
  pid="$(tr -dc '0-9' <"$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 0
  args="$({ tr '\0' '\n' <"/proc/$pid/cmdline"; } 2>/dev/null || true)" # gone: no message
  if grep -Fxq 'org.elasticsearch.server/org.elasticsearch.bootstrap.Elasticsearch' <<<"$args" &&
    grep -Fxq -- "-Djava.io.tmpdir=$NODE_DIR/tmp" <<<"$args"; then
    printf '%s\n' "$pid"
  fi
}

remove_stale_pid_file() {
  if [[ -f "$PID_FILE" && -z "$(our_pid)" ]]; then
    say "removing stale PID file $PID_FILE (process $(tr -dc '0-9' <"$PID_FILE" 2>/dev/null || true) is not this node's Elasticsearch)"
    rm -f "$PID_FILE"
  fi
}

# --------------------------------------------------------------------------
# Download, verify, install

download() {
  local zip="$DOWNLOAD_DIR/$ZIP_NAME" part algo sum_url expected actual
  [[ -f "$zip" ]] && return 0
  need curl
  mkdir -p "$DOWNLOAD_DIR"
  part="$zip.part.$$"
  # Maven Central publishes .sha512, .sha256 and .sha1 beside the zip for
  # this artifact; use the strongest one that exists.
  for algo in sha512 sha256 sha1; do
    sum_url="$ZIP_URL.$algo"
    if expected="$(curl -fsSL --retry 3 --max-time 60 "$sum_url" 2>/dev/null)"; then
      expected="$(printf '%s' "$expected" | awk 'NR==1{print tolower($1)}')"
      [[ "$expected" =~ ^[0-9a-f]+$ ]] && break
    fi
    expected=""
  done
  [[ -n "$expected" ]] ||
    die "no checksum (.sha512/.sha256/.sha1) found beside $ZIP_URL; is HOMEWARD_ES_VERSION=$HOMEWARD_ES_VERSION published there? Check the network or HOMEWARD_MAVEN_REPO."
  need "${algo}sum"
  say "downloading Elasticsearch $HOMEWARD_ES_VERSION from $ZIP_URL"
  # shellcheck disable=SC2064 # expand $part now
  trap "rm -f '$part'" EXIT
  local progress=(-sS)
  [[ -t 2 ]] && progress=(-#)
  curl -fL --retry 3 --connect-timeout 30 "${progress[@]}" -o "$part" "$ZIP_URL" ||
    die "download of $ZIP_URL failed (see the curl message above); check the network/proxy and retry"
  actual="$("${algo}sum" "$part" | awk '{print $1}')"
  if [[ "$actual" != "$expected" ]]; then
    rm -f "$part"
    die "$algo checksum mismatch for $ZIP_URL: expected $expected, got $actual; the bad download was deleted, run '$PROG start' again"
  fi
  mv -f "$part" "$zip"
  trap - EXIT
  say "verified $algo checksum of $ZIP_NAME"
}

install_es() {
  local zip="$DOWNLOAD_DIR/$ZIP_NAME" tmp
  [[ -f "$ES_HOME/.homeward-installed" ]] && return 0
  download
  need unzip
  tmp="$ES_CACHE/.extract.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  unzip -q "$zip" -d "$tmp" || {
    rm -rf "$tmp"
    rm -f "$zip"
    die "could not unpack $zip (deleted it); run '$PROG start' again to download it afresh"
  }
  [[ -x "$tmp/elasticsearch-$HOMEWARD_ES_VERSION/bin/elasticsearch" ]] || {
    rm -rf "$tmp"
    die "$zip does not contain elasticsearch-$HOMEWARD_ES_VERSION/bin/elasticsearch"
  }
  rm -rf "$ES_HOME"
  mv "$tmp/elasticsearch-$HOMEWARD_ES_VERSION" "$ES_HOME"
  rm -rf "$tmp"
  touch "$ES_HOME/.homeward-installed"
  say "installed Elasticsearch $HOMEWARD_ES_VERSION in $ES_HOME"
}

# --------------------------------------------------------------------------
# Java


pick_java() {
  local es_major="${HOMEWARD_ES_VERSION%%.*}" min preferred dir major best="" best_major=999
  if ((es_major >= 9)); then min=21 preferred=21; elif ((es_major == 8)); then min=17 preferred=17; else min=11 preferred=17; fi

  if [[ -n "${ES_JAVA_HOME:-}" ]]; then
    [[ -x "$ES_JAVA_HOME/bin/java" ]] || die "ES_JAVA_HOME=$ES_JAVA_HOME has no bin/java; unset it or point it at a JDK $min+"
    return 0
  fi
  for dir in /usr/lib/jvm/*; do
    [[ -d "$dir" && ! -L "$dir" && -x "$dir/bin/java" ]] || continue
    major="$(java_major "$dir")"
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    ((major >= min)) || continue
    if ((major == preferred)); then best="$dir" && break; fi
    if ((major < best_major)); then best="$dir" best_major="$major"; fi
  done
  [[ -n "$best" ]] ||
    die "no JDK $min+ found under /usr/lib/jvm (Elasticsearch $HOMEWARD_ES_VERSION needs one and the integ-test zip bundles none); install one (apt-get install openjdk-$preferred-jre-headless) or set ES_JAVA_HOME"
  ES_JAVA_HOME="$best"
  export ES_JAVA_HOME
}

# --------------------------------------------------------------------------
# Non-root user and permissions

ensure_es_user() {
  is_root || return 0
  if ! id "$ES_USER_FOR_ROOT" >/dev/null 2>&1; then
    need useradd
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --comment "Homeward Elasticsearch" "$ES_USER_FOR_ROOT" ||
      die "could not create system user $ES_USER_FOR_ROOT (useradd failed); create it or set HOMEWARD_ES_USER to an existing non-root user"
    say "created system user $ES_USER_FOR_ROOT to run Elasticsearch"
  fi
  [[ "$(id -u "$ES_USER_FOR_ROOT")" -ne 0 ]] || die "HOMEWARD_ES_USER=$ES_USER_FOR_ROOT is root; Elasticsearch refuses to run as root"
  need runuser
}

# When root, the ES user must be able to walk down to $ES_CACHE. The default
# cache for root (/var/cache/homeward) is reachable; a HOMEWARD_CACHE under a
# private directory (e.g. /root, usually 0700) is refused rather than loosening
# that directory's permissions.
ensure_traversable() {
  is_root || return 0
  local dir="$ES_CACHE" dirs=()
  while [[ "$dir" != / && -n "$dir" ]]; do
    dirs=("$dir" "${dirs[@]}")
    dir="$(dirname "$dir")"
  done
  for dir in "${dirs[@]}"; do # top down: name the first directory that blocks
    runuser -u "$ES_USER_FOR_ROOT" -- test -x "$dir" ||
      die "user $ES_USER_FOR_ROOT (which runs Elasticsearch) cannot reach $ES_CACHE: no search (x) permission on $dir; set HOMEWARD_CACHE to a directory it can reach (or leave it unset to use /var/cache/homeward)"
  done
}

# --------------------------------------------------------------------------
# The english/cjk analysis plugin (only for distributions without analysis-common)

plugin_source_hash() { # hash of the plugin's source files (names and contents)
  (
    cd "$PLUGIN_SRC"
    find . -type f \( -name '*.java' -o -name plugin-descriptor.properties \) -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-16
}

plugin_jdk() { # a JDK 17+ with javac and jar: ES_JAVA_HOME's, else one under /usr/lib/jvm
  local dir major
  for dir in "$ES_JAVA_HOME" /usr/lib/jvm/*; do
    [[ -d "$dir" && -x "$dir/bin/javac" && -x "$dir/bin/jar" ]] || continue
    major="$(java_major "$dir")"
    [[ "$major" =~ ^[0-9]+$ && "$major" -ge 17 ]] || continue
    printf '%s\n' "$dir"
    return 0
  done
  die "building the $PLUGIN_NAME plugin (english/cjk analyzers, missing from this distribution) needs a JDK 17+ with javac; $ES_JAVA_HOME has none and none was found under /usr/lib/jvm (apt-get install openjdk-17-jdk-headless, or set ES_JAVA_HOME to a JDK)"
}

# The integ-test zip has no analysis-common module, so no "english" or "cjk"
# analyzer. Build scripts/es-analysis-plugin against this node's jars and
# install it; skipped when the installed plugin came from the same source, and
# never done for a full distribution (its analysis-common has these names).
install_analysis_plugin() {
  [[ -d "$ES_HOME/modules/analysis-common" ]] && return 0
  [[ -f "$PLUGIN_SRC/plugin-descriptor.properties" ]] ||
    die "$PLUGIN_SRC/plugin-descriptor.properties is missing; it is part of the repository (needed for the english/cjk analyzers)"
  local hash installed="$ES_HOME/plugins/$PLUGIN_NAME" build descriptor jdk owner sources=() run=() start=$SECONDS
  hash="$(plugin_source_hash)"
  descriptor="$(sed -e "s/@ES_VERSION@/$HOMEWARD_ES_VERSION/g" -e "s/@SOURCE_HASH@/$hash/g" "$PLUGIN_SRC/plugin-descriptor.properties")"
  if [[ -f "$installed/plugin-descriptor.properties" ]] &&
    [[ "$(cat "$installed/plugin-descriptor.properties")" == "$descriptor" ]]; then
    return 0
  fi
  jdk="$(plugin_jdk)"
  mapfile -t sources < <(find "$PLUGIN_SRC/src" -type f -name '*.java' | LC_ALL=C sort)
  ((${#sources[@]})) || die "no Java sources under $PLUGIN_SRC/src"
  build="$ES_CACHE/.plugin-build.$$"
  rm -rf "$build"
  mkdir -p "$build/classes" "$build/zip"
  # shellcheck disable=SC2064 # expand $build now
  trap "rm -rf '$build'" EXIT
  "$jdk/bin/javac" --release 17 -encoding UTF-8 -nowarn -cp "$ES_HOME/lib/*" -d "$build/classes" "${sources[@]}" >"$build/javac.log" 2>&1 || {
    cat "$build/javac.log" >&2
    die "could not compile the $PLUGIN_NAME plugin ($PLUGIN_SRC) against Elasticsearch $HOMEWARD_ES_VERSION with $jdk/bin/javac (errors above)"
  }
  printf '%s\n' "$descriptor" >"$build/zip/plugin-descriptor.properties"
  {
    "$jdk/bin/jar" --create --file "$build/zip/$PLUGIN_NAME.jar" -C "$build/classes" . &&
      "$jdk/bin/jar" --create --no-manifest --file "$build/$PLUGIN_NAME.zip" -C "$build/zip" .
  } || die "could not package the $PLUGIN_NAME plugin with $jdk/bin/jar"
  # Run the plugin tool as the user that owns the installation.
  owner="$(stat -c %U "$ES_HOME")"
  if is_root && [[ "$owner" != root ]]; then
    chown -R "$owner:" "$build"
    run=(runuser -u "$owner" --)
  fi
  rm -rf "$installed" # an older build of it
  (
    unset JAVA_HOME JAVA_TOOL_OPTIONS _JAVA_OPTIONS JAVA_OPTS ES_JAVA_OPTS
    exec "${run[@]}" env ES_JAVA_HOME="$ES_JAVA_HOME" ES_PATH_CONF="$ES_HOME/config" ES_TMPDIR="$build" \
      "$ES_HOME/bin/elasticsearch-plugin" install --batch "file://$build/$PLUGIN_NAME.zip"
  ) </dev/null >"$build/install.log" 2>&1 || {
    cat "$build/install.log" >&2
    rm -rf "$installed"
    die "could not install the $PLUGIN_NAME plugin into $ES_HOME (elasticsearch-plugin output above)"
  }
  rm -rf "$build"
  trap - EXIT
  say "note: this distribution has no analysis-common; built and installed the $PLUGIN_NAME plugin (english and cjk analyzers, source $hash) in $((SECONDS - start))s"
}

# --------------------------------------------------------------------------
# Node configuration

write_config() {
  mkdir -p "$CONF_DIR" "$NODE_DIR/data" "$NODE_DIR/logs" "$NODE_DIR/tmp" "$CONF_DIR/jvm.options.d"
  local f
  for f in jvm.options log4j2.properties; do
    cp -f "$ES_HOME/config/$f" "$CONF_DIR/$f"
  done
  # Written fresh on every start so version/port changes take effect. Only
  # settings known to the integ-test zip (core, transport-netty4, x-pack-core,
  # x-pack-security) may appear here: unknown settings abort startup.
  cat >"$CONF_DIR/elasticsearch.yml" <<EOF
# Generated by scripts/elasticsearch.sh; rewritten on every start.
cluster.name: $CLUSTER_NAME
node.name: homeward-$ES_PORT
path.data: $NODE_DIR/data
path.logs: $NODE_DIR/logs
network.host: $ES_HOST
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
$DISCOVERY
# test machines often have full-ish disks: never block writes on disk usage
cluster.routing.allocation.disk.threshold_enabled: false
# local test node: plain HTTP, no users
xpack.security.enabled: false
EOF
  # The server's working directory is path.logs, so the GC log, heap dumps and
  # hs_err files that jvm.options names relatively land in $NODE_DIR/logs.
  if is_root; then # only touch what is not owned yet (data may be large)
    find "$NODE_DIR" "$ES_HOME" ! -user "$ES_USER_FOR_ROOT" -exec chown -h "$ES_USER_FOR_ROOT:" {} +
  fi
}

# --------------------------------------------------------------------------
# Commands

log_tail() {
  local f shown=0
  for f in "$NODE_DIR/logs/$CLUSTER_NAME.log" "$NODE_DIR/logs/launcher.log"; do
    if [[ -s "$f" ]]; then
      printf '\n----- last lines of %s -----\n' "$f" >&2
      tail -n 40 "$f" >&2
      shown=1
    fi
  done
  ((shown)) || say "no Elasticsearch log was written (looked in $NODE_DIR/logs)"
}

our_pids() { # the live PIDs of the nodes in the table, space-separated
  local i pids=()
  for i in "${!NODE_PORTS[@]}"; do
    use_node "$i"
    pids+=("$(our_pid)")
  done
  use_node 0
  printf '%s\n' "${pids[*]}"
}

# Dies, with the tail of its log, when node $1 (selected) ended during startup.
check_started() {
  local i="$1" launcher="${LAUNCHERS[$1]:-}" pid rc others=""
  [[ "$MODE" == cluster ]] && others="; the other nodes may still run: '$COMMANDS stop' ends them"
  pid="$(our_pid)"
  if [[ -n "$launcher" ]] && ! kill -0 "$launcher" 2>/dev/null; then
    rc=0
    wait "$launcher" || rc=$?
    LAUNCHERS[i]=""
    if ((rc != 0)) || [[ -z "$pid" ]]; then
      printf '\n' >&2
      log_tail
      die "Elasticsearch failed to start (launcher exit code $rc); see the log above and $NODE_DIR/logs$others"
    fi
  elif [[ -z "$launcher" && -z "$pid" ]]; then
    printf '\n' >&2
    log_tail
    die "Elasticsearch exited during startup; see the log above and $NODE_DIR/logs$others"
  fi
}

# A node joins the cluster before its own HTTP server is up: every node must answer
# too, or a client sent to it (or reading its HTTP address) finds nothing yet.
every_node_answers() {
  local i
  for i in "${!NODE_PORTS[@]}"; do
    use_node "$i"
    http_get "/_nodes/_local?filter_path=nodes.*.http.publish_address" 2 | grep -q publish_address || return 1
  done
}

wait_healthy() { # up to START_TIMEOUT seconds, until node 0 finds every node joined
  local start=$SECONDS i what
  use_node 0
  what="$URL"
  [[ "$MODE" == cluster ]] && what="the cluster of ${#NODE_PORTS[@]} nodes at $URL"
  printf '%s: waiting for %s to become healthy (up to %ss) ' "$PROG" "$what" "$START_TIMEOUT" >&2
  while ((SECONDS - start < START_TIMEOUT)); do
    use_node 0
    if healthy 1s && every_node_answers; then
      use_node 0
      printf ' ready after %ss\n' "$((SECONDS - start))" >&2
      return 0
    fi
    for i in "${!NODE_PORTS[@]}"; do
      use_node "$i"
      check_started "$i"
    done
    printf '.' >&2
    sleep 1
  done
  printf '\n' >&2
  for i in "${!NODE_PORTS[@]}"; do
    use_node "$i"
    log_tail
  done
  die "Elasticsearch did not become healthy within ${START_TIMEOUT}s (HOMEWARD_ES_START_TIMEOUT); it is left running (pid $(our_pids)), run '$COMMANDS stop' to end it"
}

refuse_taken_ports() { # of the selected node, which this script has not started
  local owner version
  if port_open; then
    owner="$(port_owner)"
    version="$(es_version || true)"
    die "port $ES_PORT on $ES_HOST is already in use by another process${owner:+: $owner}${version:+ (an Elasticsearch $version)} that this script did not start (no live PID file at $PID_FILE); stop it, or set $PORT_HINT"
  fi
  if [[ "$MODE" == cluster ]] && port_open "$ES_TRANSPORT_PORT"; then
    die "transport port $ES_TRANSPORT_PORT on $ES_HOST is already in use by another process; stop it, or set HOMEWARD_ES_CLUSTER_TRANSPORT_PORT to the first of ${#NODE_PORTS[@]} free ports"
  fi
}

launch() { # start node $1 (selected) in the background; its launcher's PID goes to LAUNCHERS
  write_config
  say "starting Elasticsearch $HOMEWARD_ES_VERSION on $URL as user $(es_user) with Java $(java_major "$ES_JAVA_HOME") ($ES_JAVA_HOME), heap $HEAP; data and logs in $NODE_DIR"
  local launcher_log="$NODE_DIR/logs/launcher.log"
  : >"$launcher_log"
  is_root && chown "$ES_USER_FOR_ROOT:" "$launcher_log"
  # -d: the launcher detaches once the node has started (or exits non-zero);
  # -p: the server writes its own PID, which stop verifies before killing.
  local run=()
  command -v setsid >/dev/null 2>&1 && run+=(setsid) # own session: a Ctrl-C here does not reach the node
  is_root && run+=(runuser -u "$ES_USER_FOR_ROOT" --)
  (
    exec 9>&- # do not hand the start lock to the node
    cd "$NODE_DIR"
    unset JAVA_HOME JAVA_TOOL_OPTIONS _JAVA_OPTIONS JAVA_OPTS
    exec "${run[@]}" env \
      ES_JAVA_HOME="$ES_JAVA_HOME" \
      ES_PATH_CONF="$CONF_DIR" \
      ES_TMPDIR="$NODE_DIR/tmp" \
      ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${HOMEWARD_ES_JAVA_OPTS:-}" \
      "$ES_HOME/bin/elasticsearch" -d -p "$PID_FILE"
  ) </dev/null >>"$launcher_log" 2>&1 &
  LAUNCHERS[$1]=$!
}

# Starts the nodes of the table that are not running (all at once: a cluster forms
# as they come up), then waits until node 0 reports them all.
cmd_start() {
  check_settings
  need curl
  mkdir -p "$ES_CACHE"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    flock -w $((START_TIMEOUT + 300)) 9 || die "another '$COMMANDS start' for port ${NODE_PORTS[0]} is still running (lock $LOCK_FILE)"
  fi

  local i pid running=() stopped=()
  for i in "${!NODE_PORTS[@]}"; do
    use_node "$i"
    pid="$(our_pid)"
    if [[ -n "$pid" ]]; then
      running+=("$pid")
      continue
    fi
    remove_stale_pid_file
    refuse_taken_ports
    stopped+=("$i")
  done
  if ((${#stopped[@]} == 0)); then
    use_node 0
    if ! healthy 1s; then
      say "Elasticsearch (pid ${running[*]}) is running but not healthy yet"
      wait_healthy
    fi
    printf '%s\n' "$URL"
    return 0
  fi

  install_es
  pick_java
  ensure_es_user
  ensure_traversable
  install_analysis_plugin
  for i in "${stopped[@]}"; do
    use_node "$i"
    launch "$i"
  done
  wait_healthy
  printf '%s\n' "$URL"
}

stop_node() { # the selected node
  local pid start
  pid="$(our_pid)"
  if [[ -z "$pid" ]]; then
    remove_stale_pid_file
    say "Elasticsearch on $URL is not running (no live PID file at $PID_FILE); nothing to stop"
    return 0
  fi
  say "stopping Elasticsearch (pid $pid) on $URL"
  kill -TERM "$pid" 2>/dev/null || true
  start=$SECONDS
  while kill -0 "$pid" 2>/dev/null && ((SECONDS - start < STOP_TIMEOUT)); do
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "Elasticsearch (pid $pid) did not stop within ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    start=$SECONDS
    while kill -0 "$pid" 2>/dev/null && ((SECONDS - start < 10)); do sleep 1; done
    kill -0 "$pid" 2>/dev/null && die "could not kill Elasticsearch (pid $pid)"
  fi
  rm -f "$PID_FILE"
  say "stopped $URL"
}

cmd_stop() { # every node of the table at once
  check_settings
  local i stopping=() failed=0
  for i in "${!NODE_PORTS[@]}"; do
    use_node "$i"
    stop_node &
    stopping+=("$!")
  done
  for i in "${stopping[@]}"; do
    wait "$i" || failed=1
  done
  ((failed == 0)) || die "not every node stopped (see above)"
}

node_status() { # one line for the selected node; 0 when it runs, 3 when not
  local pid version health where=""
  pid="$(our_pid)"
  if [[ -n "$pid" ]]; then
    version="$(es_version || true)"
    health="$(es_health || true)"
    printf 'running %s Elasticsearch %s pid %s health %s\n' "$URL" "${version:-?}" "$pid" "${health:-unreachable}"
    return 0
  fi
  [[ "$MODE" == cluster ]] && where=" $URL"
  if port_open; then
    printf 'stopped%s (port %s is used by another process%s, not started by this script)\n' "$where" "$ES_PORT" "$(o="$(port_owner)"; [[ -n "$o" ]] && printf ': %s' "$o")"
  else
    printf 'stopped%s\n' "$where"
  fi
  return 3
}

cmd_status() { # 0 when every node of the table runs
  check_settings
  local i status=0
  for i in "${!NODE_PORTS[@]}"; do
    use_node "$i"
    node_status || status=3
  done
  return "$status"
}

# How many nodes the cluster has: what `cluster start` recorded beside their data,
# else --nodes, else the default. A different --nodes is refused: the nodes' data
# remembers which nodes vote.
cluster_size() { # --nodes value or empty
  local wanted="$1" recorded=""
  [[ -f "$CLUSTER_DIR/nodes" ]] && recorded="$(tr -dc '0-9' <"$CLUSTER_DIR/nodes")"
  [[ -z "$wanted" ]] && wanted="${recorded:-$DEFAULT_CLUSTER_NODES}"
  if ! [[ "$wanted" =~ ^[0-9]$ ]] || ((wanted < 2 || wanted > MAX_CLUSTER_NODES)); then
    die "--nodes must be a number from 2 to $MAX_CLUSTER_NODES, got '$wanted'"
  fi
  if [[ -n "$recorded" && "$recorded" != "$wanted" ]]; then
    die "the cluster in $CLUSTER_DIR has $recorded nodes; to make one of $wanted run '$PROG cluster stop' and delete that folder (its data), or set HOMEWARD_ES_CLUSTER_PORT to make another beside it"
  fi
  printf '%s\n' "$wanted"
}

cluster_main() { # verb [--nodes N]
  local verb="${1:-}" nodes="" count
  [[ "$verb" =~ ^(start|stop|status|url)$ ]] || {
    usage
    exit 2
  }
  shift
  while (($#)); do
    case "$verb:$1" in
      start:--nodes=*) nodes="${1#--nodes=}" ;;
      start:--nodes)
        (($# >= 2)) || die "--nodes needs a number"
        nodes="$2"
        shift
        ;;
      *)
        usage
        exit 2
        ;;
    esac
    shift
  done
  check_settings
  count="$(cluster_size "$nodes")"
  use_cluster "$count"
  case "$verb" in
    start)
      mkdir -p "$CLUSTER_DIR"
      printf '%s\n' "$count" >"$CLUSTER_DIR/nodes"
      cmd_start
      ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) printf '%s\n' "$URL" ;;
  esac
}

main() {
  case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url)
      check_settings
      printf '%s\n' "$URL"
      ;;
    cluster)
      shift
      cluster_main "$@"
      ;;
    -h | --help | help) usage ;;
    *)
      usage
      exit 2
      ;;
  esac
}

main "$@"
