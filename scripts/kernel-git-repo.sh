#!/usr/bin/env bash
# Builds a kernel-sized git repository from Debian's linux-source-6.12 for the pre-image benchmark
# (bench/git-base-bench.ts), under DEST (default .cache, git-ignored; never committed):
#   DEST/linux-git-6.12          the whole 6.12 tree as a commit, packed as a clone is, then a 20-patch
#                                series (one mm/ file each), then three commits that move HEAD on over the
#                                same files, so no working file is any patch's pre-image;
#   DEST/linux-git-6.12.mbox     the series as `git format-patch --base` writes it.
# git runs with no user or system configuration. Takes a few minutes (the add and the repack).
set -euo pipefail
dest="$(realpath -m "${1:-.cache}")"
repo="$dest/linux-git-6.12"
[ -f "$dest/linux-git-6.12.mbox" ] && { echo "$repo"; exit 0; }
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && { apt-get download linux-source-6.12 >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get update -qq >/dev/null && apt-get download linux-source-6.12 >/dev/null; }; })
rm -rf "$repo" "$dest/linux-git-6.12.partial"
mkdir -p "$dest/linux-git-6.12.partial"
dpkg-deb --fsys-tarfile "$work"/linux-source-6.12_*.deb | tar -xO ./usr/src/linux-source-6.12.tar.xz | tar -xJ -C "$dest/linux-git-6.12.partial" --strip-components=1
mv "$dest/linux-git-6.12.partial" "$repo"
cd "$repo"
git init -q -b master
# Debian's tarball ignores everything at its top level (its .gitignore ends in `/*`): add regardless.
git add -Af .
git commit -qm 'Linux 6.12 (from Debian linux-source-6.12)'
base="$(git rev-parse HEAD)"
git repack -adq
# The series: one patch per file, each adding a line near the middle of one of the 20 largest C files of mm/.
mapfile -t files < <(ls -S mm/*.c | head -20)
for f in "${files[@]}"; do
  mid=$(($(wc -l <"$f") / 2))
  sed -i "${mid}a\\\\t/* mm-review bench: a line the series adds */" "$f"
  git commit -qam "mm: annotate $(basename "$f")"
done
git format-patch -q --stdout --base="$base" "$base"..HEAD >"$dest/linux-git-6.12.mbox.partial"
# HEAD moves on: upstream changes the same files three times, above the series' lines.
for n in 1 2 3; do
  for f in "${files[@]}"; do sed -i "10a\\/* upstream change $n */" "$f"; done
  git commit -qam "mm: upstream change $n"
done
mv "$dest/linux-git-6.12.mbox.partial" "$dest/linux-git-6.12.mbox"
echo "$repo"
