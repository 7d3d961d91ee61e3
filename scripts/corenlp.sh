#!/usr/bin/env bash
# Homeward: Stanford CoreNLP's English NER, for the person names in English articles.
#
#   scripts/corenlp.sh fetch    download CoreNLP once from Maven Central (checksums
#                               verified), keep only the NER model, build the tagger,
#                               check that it finds a name; a no-op when done already
#   scripts/corenlp.sh status   installed or missing (exit 0 / 3), with version and paths
#   scripts/corenlp.sh run      run the tagger on stdin/stdout (pipelines/entities/corenlp.py
#                               starts it; the protocol is in scripts/corenlp/HomewardNer.java)
#   scripts/corenlp.sh tag      tag the English text on stdin, one entity per line (for people)
#   scripts/corenlp.sh fetch-chinese   for bench/entities.py only: CoreNLP's Chinese
#                               segmenter and NER models (1.6 GB download, 470 MB kept)
#   scripts/corenlp.sh tag-chinese     segment and tag the Chinese lines on stdin (inline XML,
#                               one line per line; 4 GB of heap, a minute to load)
#
# There is no server: each Python process that tags English text starts one
# tagger as its own child process (2-4 s to load, 300-380 MB) and it exits when its
# owner closes the pipe or dies. So there is no port, no PID file and nothing to
# start or stop around tests. `run` never downloads; without `fetch` it fails
# with a message saying to run it.
#
# What is kept: the CoreNLP code jar (9 MB) and, out of its 474 MB "models" jar,
# only the 3-class CRF model english.all.3class.distsim.crf.ser.gz (32 MB; the
# models jar is deleted once it is verified and the model extracted). The tagger
# is scripts/corenlp/HomewardNer.java compiled against the code jar with the
# JDK's javac (17+).
# Everything lives in a cache outside the repository:
# The Chinese models are not used by the entity stage (Baidu LAC is: see
# pipelines/entities/models.py, it was measured better and needs 60 MB, not 4 GB);
# they are kept only so that bench/entities.py can measure them side by side.
#   $HOMEWARD_CACHE/corenlp/ when set; otherwise /var/cache/homeward/corenlp/ for
#   root, ${XDG_CACHE_HOME:-$HOME/.cache}/homeward/corenlp/ for everyone else.
# Environment: HOMEWARD_CORENLP_HEAP (default 256m: the 3-class model tags 100,000-character texts in it), HOMEWARD_CORENLP_JAVA_OPTS,
# HOMEWARD_JAVA_HOME (a JDK 17+; default: JAVA_HOME, then /usr/lib/jvm),
# HOMEWARD_MAVEN_REPO (a Maven Central mirror).
set -euo pipefail

# The pinned version, and the SHA-256 of its two jars (Maven Central publishes
# only SHA-1 and MD5 for them; both the published SHA-1 and these are checked).
HOMEWARD_CORENLP_VERSION=4.5.10
pinned_sha256() { # jar file name -> its SHA-256, for the pinned version only
  case "$1" in
    stanford-corenlp-4.5.10.jar) echo f813ce4ed7319d79225f2a520d40733075c6b3500dd0b81ee069229e461aab43 ;;
    stanford-corenlp-4.5.10-models.jar) echo a5da9f6feb35a0fd2ea2cbe8909bede3952965b238a68c833ae3e031ed9026a0 ;;
    stanford-corenlp-4.5.10-models-chinese.jar) echo 9bdf88ef11eeabbbfb94e9aa92e562e0cc0f2fae7ba147dc15e79778631178dd ;;
  esac
}

MODEL_NAME=english.all.3class.distsim.crf.ser.gz
MODEL_IN_JAR="edu/stanford/nlp/models/ner/$MODEL_NAME"
HEAP="${HOMEWARD_CORENLP_HEAP:-256m}"
MIN_JAVA=17

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/common.sh
source "$SCRIPT_DIR/common.sh"
CORENLP_CACHE="$CACHE_ROOT/corenlp"
INSTALL_DIR="$CORENLP_CACHE/$HOMEWARD_CORENLP_VERSION"
CODE_JAR_NAME="stanford-corenlp-$HOMEWARD_CORENLP_VERSION.jar"
MODELS_JAR_NAME="stanford-corenlp-$HOMEWARD_CORENLP_VERSION-models.jar"
ARTIFACT_URL="$MAVEN_REPO/edu/stanford/nlp/stanford-corenlp/$HOMEWARD_CORENLP_VERSION"
DOWNLOAD_DIR="$CORENLP_CACHE/downloads"
CODE_JAR="$INSTALL_DIR/$CODE_JAR_NAME"
MODEL="$INSTALL_DIR/$MODEL_NAME"
STAMP="$INSTALL_DIR/.homeward-installed"
TAGGER_SRC="$SCRIPT_DIR/corenlp/HomewardNer.java"
SELF_CHECK_TEXT="Police in Taiyuan said Liu Sirui was found by Inspector Zhao Wei."
ZH_JAR_NAME="stanford-corenlp-$HOMEWARD_CORENLP_VERSION-models-chinese.jar"
ZH_DIR="$CORENLP_CACHE/$HOMEWARD_CORENLP_VERSION-chinese"
ZH_MODELS=edu/stanford/nlp/models
# The only entries of the Chinese models jar the segmenter and the NER model read.
ZH_ENTRIES=(
  "$ZH_MODELS/segmenter/chinese/ctb.gz"
  "$ZH_MODELS/segmenter/chinese/dict-chris6.ser.gz"
  "$ZH_MODELS/segmenter/chinese/dict/*"
  "$ZH_MODELS/ner/chinese.misc.distsim.crf.ser.gz"
)
ZH_HEAP=4g


usage() {
  cat >&2 <<EOF
usage: $PROG fetch|status|run|tag|fetch-chinese|tag-chinese

  fetch   download Stanford CoreNLP $HOMEWARD_CORENLP_VERSION once, keep its English NER
          model, build the tagger and check it (nothing to do when already done)
  status  print installed/missing; exit 0 when installed, 3 when not
  run     run the tagger on stdin/stdout (started by the Python entity stage)
  tag     tag the text on stdin; print LABEL, start, end and text per entity
  fetch-chinese   (benchmark only) the Chinese segmenter and NER models
  tag-chinese     (benchmark only) tag the Chinese lines on stdin, inline XML per line
Cache: $INSTALL_DIR
EOF
}


check_settings() {
  [[ "$HEAP" =~ ^[0-9]+[kmgKMG]$ ]] || die "HOMEWARD_CORENLP_HEAP must look like 512m or 1g, got '$HEAP'"
}

# --------------------------------------------------------------------------
# Java: a JDK 17+ (javac and jar are needed to build the tagger, java to run it)


is_jdk() { # dir -> true when it has java, javac and jar of version MIN_JAVA+
  local dir="$1" major
  [[ -d "$dir" && -x "$dir/bin/java" && -x "$dir/bin/javac" && -x "$dir/bin/jar" ]] || return 1
  major="$(java_major "$dir")"
  [[ "$major" =~ ^[0-9]+$ ]] && ((major >= MIN_JAVA))
}

# Set JDK: HOMEWARD_JAVA_HOME when given (must be a JDK 17+), else JAVA_HOME when
# it is one, else the lowest JDK 17+ under /usr/lib/jvm (17 itself if present).
pick_jdk() {
  local dir major best="" best_major=999
  if [[ -n "${HOMEWARD_JAVA_HOME:-}" ]]; then
    is_jdk "$HOMEWARD_JAVA_HOME" ||
      die "HOMEWARD_JAVA_HOME=$HOMEWARD_JAVA_HOME is not a JDK $MIN_JAVA+ (it needs bin/java, bin/javac and bin/jar)"
    JDK="$HOMEWARD_JAVA_HOME"
    return 0
  fi
  if [[ -n "${JAVA_HOME:-}" ]] && is_jdk "$JAVA_HOME"; then
    JDK="$JAVA_HOME"
    return 0
  fi
  for dir in /usr/lib/jvm/*; do
    if [[ -L "$dir" ]] || ! is_jdk "$dir"; then continue; fi
    major="$(java_major "$dir")"
    if ((major < best_major)); then best="$dir" best_major="$major"; fi
  done
  [[ -n "$best" ]] ||
    die "no JDK $MIN_JAVA+ with javac found (looked at HOMEWARD_JAVA_HOME, JAVA_HOME and /usr/lib/jvm); install one (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless) or set HOMEWARD_JAVA_HOME"
  JDK="$best"
}

# --------------------------------------------------------------------------
# Download and verify

sha256_of() { sha256sum "$1" | awk '{print $1}'; }

# Download one jar of the artifact into DOWNLOAD_DIR, verified against the
# published SHA-1 and, for the pinned version, the SHA-256 above.
download() {
  local name="$1" url="$ARTIFACT_URL/$1" dest="$DOWNLOAD_DIR/$1" part sha1 pinned actual
  [[ -f "$dest" ]] && return 0
  need curl sha1sum sha256sum
  mkdir -p "$DOWNLOAD_DIR"
  sha1="$(curl -fsSL --retry 3 --max-time 60 "$url.sha1" 2>/dev/null | awk 'NR==1{print tolower($1)}')" || sha1=""
  [[ "$sha1" =~ ^[0-9a-f]{40}$ ]] ||
    die "no SHA-1 checksum at $url.sha1; is CoreNLP $HOMEWARD_CORENLP_VERSION published there? Check the network or HOMEWARD_MAVEN_REPO"
  pinned="$(pinned_sha256 "$name")"
  part="$dest.part.$$"
  # shellcheck disable=SC2064 # expand $part now
  trap "rm -f '$part'" EXIT
  local progress=(-sS)
  [[ -t 2 ]] && progress=(-#)
  say "downloading $url"
  curl -fL --retry 3 --connect-timeout 30 "${progress[@]}" -o "$part" "$url" ||
    die "download of $url failed (see the curl message above); check the network/proxy and run '$PROG fetch' again"
  actual="$(sha1sum "$part" | awk '{print $1}')"
  if [[ "$actual" != "$sha1" ]]; then
    rm -f "$part"
    die "SHA-1 checksum mismatch for $url: published $sha1, got $actual; the bad download was deleted, run '$PROG fetch' again"
  fi
  actual="$(sha256_of "$part")"
  if [[ -n "$pinned" && "$actual" != "$pinned" ]]; then
    rm -f "$part"
    die "SHA-256 mismatch for $url: pinned $pinned, got $actual (the published SHA-1 matched, so the artifact itself changed); the download was deleted"
  fi
  [[ -n "$pinned" ]] || say "warning: no pinned SHA-256 for $name (verified against the published SHA-1 only); add '$actual' to pinned_sha256 in $0"
  mv -f "$part" "$dest"
  trap - EXIT
  say "verified $name (sha1 $sha1${pinned:+, sha256 $actual})"
}

# The code jar and the NER model, verified, in INSTALL_DIR; the models jar is
# deleted once the model is out of it.
install_corenlp() {
  local staging="$INSTALL_DIR.staging.$$" model_sum code_sum
  need unzip
  download "$CODE_JAR_NAME"
  download "$MODELS_JAR_NAME"
  rm -rf "$staging"
  mkdir -p "$staging"
  # shellcheck disable=SC2064 # expand $staging now
  trap "rm -rf '$staging'" EXIT
  cp "$DOWNLOAD_DIR/$CODE_JAR_NAME" "$staging/$CODE_JAR_NAME"
  if ! unzip -p "$DOWNLOAD_DIR/$MODELS_JAR_NAME" "$MODEL_IN_JAR" >"$staging/$MODEL_NAME" || [[ ! -s "$staging/$MODEL_NAME" ]]; then
    die "$MODELS_JAR_NAME has no $MODEL_IN_JAR (or it could not be read); delete $DOWNLOAD_DIR and run '$PROG fetch' again"
  fi
  gzip -t "$staging/$MODEL_NAME" || die "$MODEL_IN_JAR in $MODELS_JAR_NAME is not a valid gzip file"
  code_sum="$(sha256_of "$staging/$CODE_JAR_NAME")"
  model_sum="$(sha256_of "$staging/$MODEL_NAME")"
  printf 'version=%s\ncode_jar=%s\ncode_jar_sha256=%s\nmodel=%s\nmodel_sha256=%s\nsource=%s\n' \
    "$HOMEWARD_CORENLP_VERSION" "$CODE_JAR_NAME" "$code_sum" "$MODEL_NAME" "$model_sum" "$ARTIFACT_URL" >"$staging/.homeward-installed"
  rm -rf "$INSTALL_DIR"
  mv "$staging" "$INSTALL_DIR"
  trap - EXIT
  rm -rf "$DOWNLOAD_DIR"
  say "installed CoreNLP $HOMEWARD_CORENLP_VERSION's code jar and $MODEL_NAME in $INSTALL_DIR (the models jar was deleted)"
}

stamp_value() { sed -n "s/^$1=//p" "$STAMP" 2>/dev/null | head -n 1; }

installed() { [[ -f "$STAMP" && -f "$CODE_JAR" && -f "$MODEL" ]]; }

verify_installed() { # re-hash the kept files against what fetch recorded
  local file key want got
  for file in "$CODE_JAR" "$MODEL"; do
    if [[ "$file" == "$CODE_JAR" ]]; then key=code_jar_sha256; else key=model_sha256; fi
    want="$(stamp_value "$key")"
    got="$(sha256_of "$file")"
    [[ "$got" == "$want" ]] || return 1
  done
}

# --------------------------------------------------------------------------
# The tagger: scripts/corenlp/HomewardNer.java, built once per source version

source_hash() { sha256sum "$TAGGER_SRC" | cut -c1-16; }

tagger_jar() { printf '%s/homeward-ner-%s.jar\n' "$INSTALL_DIR" "$(source_hash)"; }

# Build the tagger jar for the current source unless it exists. Local only (no
# network), so `run` may do it after the source changed. Builds of other sources
# are kept (a few KB each): checkouts sharing this cache never undo each other.
build_tagger() {
  local jar build
  [[ -f "$TAGGER_SRC" ]] || die "$TAGGER_SRC is missing; it is part of the repository"
  jar="$(tagger_jar)"
  [[ -f "$jar" ]] && return 0
  [[ -n "${JDK:-}" ]] || pick_jdk
  build="$INSTALL_DIR/.build.$$"
  rm -rf "$build"
  mkdir -p "$build/classes"
  # shellcheck disable=SC2064 # expand $build now
  trap "rm -rf '$build'" EXIT
  "$JDK/bin/javac" --release "$MIN_JAVA" -encoding UTF-8 -nowarn -cp "$CODE_JAR" -d "$build/classes" "$TAGGER_SRC" >"$build/javac.log" 2>&1 || {
    cat "$build/javac.log" >&2
    die "could not compile $TAGGER_SRC against $CODE_JAR with $JDK/bin/javac (errors above)"
  }
  "$JDK/bin/jar" --create --file "$build/tagger.jar" -C "$build/classes" . ||
    die "could not package the tagger with $JDK/bin/jar"
  mv "$build/tagger.jar" "$jar"
  rm -rf "$build"
  trap - EXIT
  say "built the tagger ($TAGGER_SRC, source $(source_hash)) with Java $(java_major "$JDK")"
}

lock() { # serialise fetch/build between concurrent callers (many crawl workers)
  mkdir -p "$CORENLP_CACHE"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$CORENLP_CACHE/.lock"
    flock -w 900 9 || die "another '$PROG fetch' is still running (lock $CORENLP_CACHE/.lock)"
  fi
}

java_command() { # the command line that runs the tagger, into JAVA_CMD
  # Huge pages for the heap: the CRF looks up every feature string in a large hash
  # map, and TLB misses cost it half its CPU or more (same tags either way).
  JAVA_CMD=("$JDK/bin/java" "-Xmx$HEAP" -XX:+UseSerialGC -XX:+UseTransparentHugePages -XX:-UsePerfData)
  if [[ -n "${HOMEWARD_CORENLP_JAVA_OPTS:-}" ]]; then
    local extra
    read -r -a extra <<<"$HOMEWARD_CORENLP_JAVA_OPTS"
    JAVA_CMD+=("${extra[@]}")
  fi
  JAVA_CMD+=(-cp "$CODE_JAR:$(tagger_jar)" HomewardNer)
}

# Installed and built, or a clear error; never downloads.
ready_to_run() {
  installed ||
    die "Stanford CoreNLP $HOMEWARD_CORENLP_VERSION (English NER) is not installed in $INSTALL_DIR; run 'scripts/corenlp.sh fetch' (scripts/setup.sh does)"
  pick_jdk
  if [[ ! -f "$(tagger_jar)" ]]; then
    lock
    build_tagger
    exec 9>&-
  fi
}

# --------------------------------------------------------------------------
# Commands

cmd_fetch() {
  local start=$SECONDS changed=0
  check_settings
  lock
  if installed && verify_installed; then
    say "CoreNLP $HOMEWARD_CORENLP_VERSION is already installed in $INSTALL_DIR (checksums verified)"
  else
    installed && say "$INSTALL_DIR does not match the checksums recorded at install; fetching again"
    install_corenlp
    changed=1
  fi
  pick_jdk
  if [[ ! -f "$(tagger_jar)" ]]; then
    build_tagger
    changed=1
  fi
  ((changed)) && self_check
  say "ready: CoreNLP $HOMEWARD_CORENLP_VERSION English NER ($MODEL_NAME) in $INSTALL_DIR, Java $(java_major "$JDK") ($JDK); $((SECONDS - start))s"
}

# Tag a known sentence: the model loads and finds the person in it.
self_check() {
  local found
  java_command
  found="$(printf '%s' "$SELF_CHECK_TEXT" | "${JAVA_CMD[@]}" --plain "$HOMEWARD_CORENLP_VERSION" "$MODEL" 2>/dev/null)" ||
    die "the tagger failed its self-check (see: echo 'Liu Sirui' | $0 tag)"
  grep -q $'^PERSON\t.*\tLiu Sirui$' <<<"$found" ||
    die "the tagger's self-check did not find the person in '$SELF_CHECK_TEXT'; it found: ${found:-nothing}"
  say "self-check passed: the tagger found Liu Sirui"
}

cmd_status() {
  check_settings
  if installed; then
    printf 'installed CoreNLP %s in %s model %s tagger %s\n' "$HOMEWARD_CORENLP_VERSION" "$INSTALL_DIR" "$MODEL_NAME" \
      "$([[ -f "$(tagger_jar)" ]] && echo built || echo 'not built (built on first run)')"
    return 0
  fi
  printf 'missing: CoreNLP %s is not installed in %s; run %s fetch\n' "$HOMEWARD_CORENLP_VERSION" "$INSTALL_DIR" "$0"
  return 3
}

cmd_run() {
  check_settings
  ready_to_run
  java_command
  exec "${JAVA_CMD[@]}" "$HOMEWARD_CORENLP_VERSION" "$MODEL"
}

cmd_tag() {
  check_settings
  ready_to_run
  java_command
  exec "${JAVA_CMD[@]}" --plain "$HOMEWARD_CORENLP_VERSION" "$MODEL"
}

# --------------------------------------------------------------------------
# Chinese (bench/entities.py only)

cmd_fetch_chinese() {
  local staging="$ZH_DIR.staging.$$" sums
  check_settings
  lock
  if [[ -f "$ZH_DIR/.homeward-installed" ]]; then
    say "CoreNLP $HOMEWARD_CORENLP_VERSION's Chinese models are already in $ZH_DIR"
    return 0
  fi
  installed || die "run '$PROG fetch' first (the Chinese models use the same code jar)"
  need unzip
  download "$ZH_JAR_NAME"
  [[ "$(sha256_of "$DOWNLOAD_DIR/$ZH_JAR_NAME")" == "$(pinned_sha256 "$ZH_JAR_NAME")" ]] || {
    rm -f "$DOWNLOAD_DIR/$ZH_JAR_NAME"
    die "$ZH_JAR_NAME does not match its pinned SHA-256 (deleted); run '$PROG fetch-chinese' again"
  }
  rm -rf "$staging"
  mkdir -p "$staging"
  # shellcheck disable=SC2064 # expand $staging now
  trap "rm -rf '$staging'" EXIT
  unzip -q -o "$DOWNLOAD_DIR/$ZH_JAR_NAME" "${ZH_ENTRIES[@]}" -d "$staging" ||
    die "$ZH_JAR_NAME lacks the segmenter or NER entries; delete $DOWNLOAD_DIR and run '$PROG fetch-chinese' again"
  sums="$(cd "$staging" && find . -type f -print0 | sort -z | xargs -0 sha256sum)"
  printf 'version=%s\njar=%s\njar_sha256=%s\n%s\n' "$HOMEWARD_CORENLP_VERSION" "$ZH_JAR_NAME" \
    "$(pinned_sha256 "$ZH_JAR_NAME")" "$sums" >"$staging/.homeward-installed"
  rm -rf "$ZH_DIR"
  mv "$staging" "$ZH_DIR"
  trap - EXIT
  rm -f "$DOWNLOAD_DIR/$ZH_JAR_NAME"
  say "installed CoreNLP's Chinese segmenter and NER models in $ZH_DIR (the jar was deleted)"
}

# Segment, then tag, the lines on stdin; one line of inline XML out per line in.
cmd_tag_chinese() {
  local m="$ZH_DIR/$ZH_MODELS" work
  check_settings
  [[ -f "$ZH_DIR/.homeward-installed" ]] || die "the Chinese models are not installed; run '$PROG fetch-chinese'"
  installed || die "CoreNLP is not installed; run '$PROG fetch'"
  pick_jdk
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand $work now
  trap "rm -rf '$work'" EXIT
  cat >"$work/in.txt"
  "$JDK/bin/java" "-Xmx$ZH_HEAP" -XX:+UseSerialGC -cp "$CODE_JAR" edu.stanford.nlp.ie.crf.CRFClassifier \
    -sighanCorporaDict "$m/segmenter/chinese" -sighanPostProcessing true -inputEncoding UTF-8 \
    -loadClassifier "$m/segmenter/chinese/ctb.gz" -serDictionary "$m/segmenter/chinese/dict-chris6.ser.gz" \
    -textFile "$work/in.txt" >"$work/words.txt" 2>"$work/log" || { tail -5 "$work/log" >&2; die "the Chinese segmenter failed"; }
  sed 's/$/ HOMEWARDLINEEND/' "$work/words.txt" >"$work/marked.txt"
  "$JDK/bin/java" "-Xmx$ZH_HEAP" -XX:+UseSerialGC -cp "$CODE_JAR" edu.stanford.nlp.ie.crf.CRFClassifier \
    -loadClassifier "$m/ner/chinese.misc.distsim.crf.ser.gz" -inputEncoding UTF-8 -textFile "$work/marked.txt" \
    -tokenizerFactory edu.stanford.nlp.process.WhitespaceTokenizer -outputFormat inlineXML 2>"$work/log" |
    tr -d '\n' | sed 's/ *HOMEWARDLINEEND */\n/g' || { tail -5 "$work/log" >&2; die "the Chinese NER failed"; }
}

main() {
  case "${1:-}" in
    fetch) cmd_fetch ;;
    status) cmd_status ;;
    run) cmd_run ;;
    tag) cmd_tag ;;
    fetch-chinese) cmd_fetch_chinese ;;
    tag-chinese) cmd_tag_chinese ;;
    -h | --help | help) usage ;;
    *)
      usage
      exit 2
      ;;
  esac
}

main "$@"
