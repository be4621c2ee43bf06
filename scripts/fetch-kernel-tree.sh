#!/usr/bin/env bash
# Fetches Debian's linux-source-6.12 and unpacks the parts the tree tests and benchmark read (mm/, arch/,
# include/ and the top-level files) under DEST (default .cache, git-ignored). Never committed.
set -euo pipefail
dest="$(realpath -m "${1:-.cache}")"
tree="$dest/linux-source-6.12"
[ -f "$tree/MAINTAINERS" ] && { echo "$tree"; exit 0; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download linux-source-6.12 >/dev/null 2>&1; then
  # A fresh machine may have no package lists yet; as root we can fetch them.
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null && apt-get download linux-source-6.12 >/dev/null; else echo "cannot download linux-source-6.12 (apt-get download failed)" >&2; exit 1; fi
fi
mkdir -p "$dest.partial"
dpkg-deb --fsys-tarfile linux-source-6.12_*.deb | tar -xO ./usr/src/linux-source-6.12.tar.xz \
  | tar -xJ -C "$dest.partial" --wildcards 'linux-source-6.12/MAINTAINERS' 'linux-source-6.12/Kconfig' 'linux-source-6.12/Makefile' \
    'linux-source-6.12/mm/*' 'linux-source-6.12/arch/*' 'linux-source-6.12/include/*'
mkdir -p "$dest"
mv "$dest.partial/linux-source-6.12" "$tree"
rmdir "$dest.partial"
echo "$tree"
