#!/bin/sh
# report-timings.sh REPO HALLMARK: wall time and peak RSS of hallmark's
# report on REPO, uncached and incremental (the commit at HEAD replayed
# from its parents' cached states: the report CI runs after a push), for
# the plain report, --by quarter and --html. One job at a time; niced.
# Used for BENCHMARKS.md ("Incremental reports, cached breakdowns").
set -eu
repo=$1 h=$2
cd "$repo"
measure() {
	echo "-- $*"
	( /usr/bin/time -f "%e s %M KB" nice "$h" "$@" >/dev/null ) 2>&1 | tail -1
}
echo "== $(pwd) $(git rev-parse HEAD)"
gitdir=$(git rev-parse --absolute-git-dir)
rm -rf "$gitdir/hallmark/cache"
measure report --no-cache
measure report --by quarter --no-cache
measure report --html /tmp/report-timings.html --no-cache
for p in $(git rev-parse 'HEAD^@'); do "$h" report --rev "$p" --html /tmp/report-timings-p.html >/dev/null 2>&1; done
entry() { echo "$gitdir"/hallmark/cache/v*/state-"$(git rev-parse HEAD)".gob; }
rm -f $(entry); measure report
rm -f $(entry); measure report --by quarter
rm -f $(entry); measure report --html /tmp/report-timings.html
measure report --by quarter
du -sh "$gitdir/hallmark/cache"
