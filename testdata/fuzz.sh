#!/usr/bin/env bash
# Runs every fuzz target in the module for DURATION each (default 20s), one
# after another, and prints one summary line per target.
#
#   bash testdata/fuzz.sh [DURATION]     # DURATION as for -fuzztime: 20s, 2m, 5000x
#
# Targets are found with `go test -list`, so a new Fuzz function is picked up
# without editing this file; the targets the test plan depends on must exist.
# A failure makes the exit status non-zero, and Go writes the failing input to
# PKG/testdata/fuzz/FuzzNAME/, where plain `go test` replays it as a
# regression seed: commit it with the fix. Only 127.0.0.1 is touched; the
# fuzzers do no I/O at all.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-20s}
case $duration in
-* | "") echo "usage: $0 [DURATION]" >&2; exit 2 ;;
esac

# The parsers of untrusted input that must be fuzzed (issue "Hostile
# servers, bad input and honest limits").
required=(FuzzReadReply FuzzParseFeat FuzzParsePASV FuzzParseEPSV FuzzReadResponse FuzzParseTarget)

# "pkg FuzzName" pairs. `go test -list` prints the names of a package, then
# "ok <pkg> ..." for it.
if ! listing=$(go test -list '^Fuzz' ./... 2>&1); then
	printf '%s\n' "$listing" >&2
	echo "fuzz.sh: listing the fuzz targets failed" >&2
	exit 1
fi
targets=()
names=()
while read -r first second _; do
	case $first in
	Fuzz*) names+=("$first") ;;
	ok)
		for n in "${names[@]}"; do targets+=("$second $n"); done
		names=()
		;;
	*) names=() ;;
	esac
done <<<"$listing"

status=0
for want in "${required[@]}"; do
	if ! printf '%s\n' "${targets[@]}" | grep -q " $want\$"; then
		echo "MISSING  $want: no such fuzz target" >&2
		status=1
	fi
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "no fuzz targets found" >&2
	exit 1
fi

module=$(go list -m)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
total_execs=0
failed=0
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	rc=0
	# Go minimizes every new interesting input for up to a minute by default:
	# FuzzReadResponse spent whole 20 s runs on that (990 executions instead
	# of 63,000 in 8 s). A second keeps the time for fuzzing.
	go test -run='^$' -fuzz="^${name}\$" -fuzztime="$duration" -fuzzminimizetime=1s "$pkg" >"$log" 2>&1 || rc=$?
	# The last progress line has the totals:
	# "fuzz: elapsed: 20s, execs: 123456 (6172/sec), new interesting: 3 (total: 40)"
	progress=$(grep -E '^fuzz: elapsed: .*execs: [0-9]+' "$log" | tail -n 1 || true)
	execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$progress")
	corpus=$(sed -nE 's/.*\(total: ([0-9]+)\).*/\1/p' <<<"$progress")
	total_execs=$((total_execs + ${execs:-0}))
	dir=.${pkg#"$module"}
	note=
	if [ "$rc" -ne 0 ] && ! grep -q 'Failing input written to' "$log" &&
		[ "$(grep -E -c -v '^(fuzz: |--- FAIL: |    context deadline exceeded$|FAIL|exit status 1$)' "$log")" -eq 0 ]; then
		# Go's fuzz coordinator can report its own -fuzztime deadline as
		# a failure, with no failing input (go.dev/issue/75804, fixed in
		# Go 1.27): the target ran its time and found nothing.
		rc=0 note="  (go.dev/issue/75804: deadline reported as a failure, no failing input)"
	fi
	if [ "$rc" -eq 0 ]; then
		printf 'ok    %-18s %-16s execs %10s  corpus %s%s\n' "$name" "$dir" "${execs:-?}" "${corpus:-?}" "$note"
	else
		failed=$((failed + 1))
		crasher=$(sed -nE 's/.*Failing input written to (.*)$/\1/p' "$log" | head -n 1)
		printf 'FAIL  %-18s %-16s execs %10s  %s\n' "$name" "$dir" "${execs:-?}" \
			"${crasher:+crasher $dir/$crasher; replay: go test -run=$name/$(basename "$crasher") $dir}"
		sed 's/^/      /' "$log" | tail -n 40
		status=1
	fi
done
printf 'fuzz targets: %d, executions: %d, %s each\n' "${#targets[@]}" "$total_execs" "$duration"
# The plain closing line CI reads.
printf 'fuzz: %d passed, %d failed\n' "$((${#targets[@]} - failed))" "$failed"
exit "$status"
