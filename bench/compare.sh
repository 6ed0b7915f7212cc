#!/usr/bin/env bash
# Times concord, jq, a Python loop and wc -l on one generated CloudTrail file,
# one after another, and prints each as a ratio to concord. See bench/README.md.
#
#   SIZE=1GB bench/compare.sh     # SIZE=100MB for a quick run
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${SIZE:-1GB}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
BENCH_DIR=${BENCH_DIR:-/tmp/concord-bench}
export RULE=fixtures/panther-analysis/rules/aws_cloudtrail_rules/aws_bedrock_deletemodelinvocationloggingconfiguration.yml
export RULES="fixtures/panther-analysis/rules fixtures/security_content/detections"

# concord's commands, run by bash with $CONCORD (the binary built below),
# $RULE (the seed rule), $RULES (the fixture rule trees) and $FILE exported.
CONCORD_CMD=${CONCORD_CMD:-'"$CONCORD" run "$RULE" --events "$FILE" --cpus 1 --format json'}
CONCORD_HITS=${CONCORD_HITS:-'jq ".hits | length"'} # concord's output on stdin -> hit count
# Every fixture rule of the events' log type in one pass (its hit count is every
# rule's together; the VPC flow and GitHub rules are skipped, as Panther would), and
# the seed rule on two cores; set either to "" to leave its row out.
CONCORD_ALL_CMD=${CONCORD_ALL_CMD-'"$CONCORD" run $RULES --events "$FILE" --log-type AWS.CloudTrail --cpus 1 --format json'}
CONCORD_2CPU_CMD=${CONCORD_2CPU_CMD-'"$CONCORD" run "$RULE" --events "$FILE" --cpus 2 --format json'}

# The seed rule's rule(), with aws_cloudtrail_success inlined: neither errorCode
# nor errorMessage is truthy in Python's sense. bench/loop.py tests the same.
export JQ_FILTER='def falsy: . == null or . == false or . == 0 or . == "" or . == [] or . == {};
select(.eventSource == "bedrock.amazonaws.com" and .eventName == "DeleteModelInvocationLoggingConfiguration"
  and (.errorCode | falsy) and (.errorMessage | falsy))'

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/concord" ./cmd/concord
go build -o "$TMP/gen" ./bench/gen
export CONCORD=$TMP/concord

# The cache key includes a hash of the generator's source: a changed generator
# writes a new file.
mkdir -p "$BENCH_DIR"
GEN_HASH=$(cat bench/gen/*.go | sha256sum | cut -c1-12)
export FILE=$BENCH_DIR/cloudtrail-$SIZE-seed$SEED-$GEN_HASH.ndjson
if [ ! -s "$FILE" ] || [ ! -s "$FILE.stats.json" ]; then
	"$TMP/gen" -size "$SIZE" -seed "$SEED" -o "$FILE.tmp" -stats "$FILE.stats.json"
	mv "$FILE.tmp" "$FILE"
fi
BYTES=$(stat -c %s "$FILE")
EXPECTED=$(jq '.templates["bedrock-logging-deleted"] // 0' "$FILE.stats.json")

# One core for every tool, as the targets are stated; two for the 2-CPU row.
ONE="" TWO=""
if command -v taskset >/dev/null; then ONE="taskset -c 0" TWO="taskset -c 0,1"; fi

cat "$FILE" >/dev/null # every tool reads from the page cache

# run NAME PIN CMD: runs CMD, its stdout kept in $TMP/NAME.out, and appends
# its seconds and max RSS in KB to $TMP/NAME.runs. The clock is read here:
# time's %e has centiseconds only, too coarse for wc -l.
run() {
	echo "timing $1..." >&2
	local start end
	start=$(date +%s%N)
	/usr/bin/time -f "%M" -o "$TMP/$1.rss" $2 bash -c "$3" >"$TMP/$1.out"
	end=$(date +%s%N)
	echo "$(((end - start) / 1000))e-6 $(cat "$TMP/$1.rss")" >>"$TMP/$1.runs"
}
count() { wc -l <"$TMP/$1.out" | tr -d ' '; }
concord_hits() { bash -c "$CONCORD_HITS" <"$TMP/$1.out" 2>/dev/null || echo "?"; }

# Every tool runs RUNS times, the rounds one after another so that a slow
# spell of a shared machine falls on all tools alike; a row is its median
# time and its largest RSS.
TOOLS=(wc-l concord jq python)
[ -n "$CONCORD_ALL_CMD" ] && TOOLS+=(concord-all-rules)
[ -n "$CONCORD_2CPU_CMD" ] && TOOLS+=(concord-2cpu)
for _ in $(seq "$RUNS"); do
	run wc-l "$ONE" 'wc -l <"$FILE"'
	run concord "$ONE" "$CONCORD_CMD"
	run jq "$ONE" 'jq -c "$JQ_FILTER" "$FILE"'
	run python "$ONE" 'python3 bench/loop.py "$FILE"'
	[ -n "$CONCORD_ALL_CMD" ] && run concord-all-rules "$ONE" "$CONCORD_ALL_CMD"
	[ -n "$CONCORD_2CPU_CMD" ] && run concord-2cpu "$TWO" "$CONCORD_2CPU_CMD"
done
for tool in "${TOOLS[@]}"; do
	sort -g "$TMP/$tool.runs" | awk -v n="$tool" '{ s[NR] = $1; if ($2 > r) r = $2 }
		END { printf "%s %s %d\n", n, (NR % 2 ? s[(NR + 1) / 2] : (s[NR / 2] + s[NR / 2 + 1]) / 2), r }' >>"$TMP/rows"
done

declare -A HITS=([wc-l]="$(cat "$TMP/wc-l.out") lines" [concord]=$(concord_hits concord) [jq]=$(count jq) [python]=$(count python))
[ -n "$CONCORD_ALL_CMD" ] && HITS[concord-all-rules]=$(jq '[.runs[].hits | length] | add' <"$TMP/concord-all-rules.out")
[ -n "$CONCORD_2CPU_CMD" ] && HITS[concord-2cpu]=$(concord_hits concord-2cpu)

echo
echo "$(basename "$FILE"): $BYTES bytes, $(cat "$TMP/wc-l.out") events, seed rule: $EXPECTED true positives generated"
echo "concord: $CONCORD_CMD"
BASE=$(awk '$1 == "concord" {print $2}' "$TMP/rows")
printf '%-18s %9s %9s %12s %17s  %s\n' tool seconds MB/s "max RSS MB" "ratio to concord" hits
while read -r name secs rss; do
	awk -v n="$name" -v s="$secs" -v r="$rss" -v b="$BYTES" -v base="$BASE" -v h="${HITS[$name]}" 'BEGIN {
		printf "%-18s %9.3f %9.1f %12.1f %17.3f  %s\n", n, s, b / 1e6 / s, r / 1024, s / base, h }'
done <"$TMP/rows"

status=0
for tool in concord jq python ${CONCORD_2CPU_CMD:+concord-2cpu}; do
	if [ "${HITS[$tool]}" != "$EXPECTED" ]; then
		echo "WARNING: $tool found ${HITS[$tool]} hits of the seed rule, the generator wrote $EXPECTED" >&2
		status=1
	fi
done
exit $status
