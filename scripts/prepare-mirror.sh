#!/bin/sh
# prepare-mirror.sh SNAPSHOT DEST: a bare clone of a repository snapshot
# that shares its objects (git clone --bare --shared), made usable when
# the snapshot lacks some of its largest blobs: each missing blob is
# replaced by the empty blob through refs/replace, so that git log -p,
# git blame and hallmark read it as an empty file instead of failing.
# Both git blame and hallmark honour refs/replace, so the comparison of
# the two stays fair. Prints how many blobs were replaced.
set -eu
src=$1 dest=$2
[ -d "$dest" ] || git clone -q --bare --shared "$src" "$dest"
empty=$(git -C "$dest" hash-object -w --stdin </dev/null)
n=0
for id in $(git -C "$dest" rev-list --objects --missing=print --all | sed -n 's/^?//p'); do
	git -C "$dest" replace -f "$id" "$empty"
	n=$((n + 1))
done
echo "$dest: $n missing blobs replaced by the empty blob"
