#!/usr/bin/env bash
# Print every bench/out/*.json as one table (the JSON is ours: one row per
# line, see bench/lib.sh).
cd "$(dirname "$0")/.." || exit 1
printf '%-8s %-34s %-14s %-6s %12s %12s %12s %7s\n' bench metric system unit min median p99 n
for f in bench/out/*.json; do
	[ -e "$f" ] || continue
	b=$(basename "$f" .json)
	sed -n 's/^ *{"metric": "\([^"]*\)", "system": "\([^"]*\)", "unit": "\([^"]*\)", \(.*\)}.*$/\1|\2|\3|\4/p' "$f" |
	while IFS='|' read -r m s u rest; do
		if echo "$rest" | grep -q '"n": 0,'; then
			note=$(echo "$rest" | sed 's/.*"note": "\([^"]*\)".*/\1/')
			printf '%-8s %-34s %-14s %-6s %s\n' "$b" "$m" "$s" "$u" "$note"
		else
			v() { echo "$rest" | sed "s/.*\"$1\": \([0-9.-]*\).*/\1/"; }
			note=$(echo "$rest" | sed -n 's/.*"note": "\([^"]*\)".*/\1/p')
			printf '%-8s %-34s %-14s %-6s %12s %12s %12s %7s %s\n' "$b" "$m" \
				"$s" "$u" "$(v min)" "$(v median)" "$(v p99)" "$(v n)" "$note"
		fi
	done
done
