#!/usr/bin/env bash
# Run every test: the Criterion unit-test binaries given as arguments, then
# each whole-system script in tests/system/. Prints one closing line:
#   total: N passed, N failed, N skipped
# and exits non-zero when anything failed.
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0 skipped=0

for bin in "$@"; do
	echo "== unit: $bin"
	out=$("$bin" --jobs 2 2>&1); rc=$?
	echo "$out" | grep -Ev '^\[----\] +[^ ]' | tail -n 30
	syn=$(echo "$out" | grep 'Synthesis:' | tail -1)
	t=$(echo "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$syn" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$syn" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	if [ -z "$t" ]; then
		echo "not ok - $bin printed no Criterion synthesis (exit $rc)"
		fail=$((fail + 1)); continue
	fi
	pass=$((pass + t)); fail=$((fail + f + c))
	[ $rc = 0 ] || [ $((f + c)) -gt 0 ] || fail=$((fail + 1))
done

for script in tests/system/*.sh; do
	[ "$(basename "$script")" = lib.sh ] && continue
	echo "== system: $script"
	out=$(bash "$script" 2>&1); rc=$?
	echo "$out"
	p=$(echo "$out" | grep -c '^ok - ')
	f=$(echo "$out" | grep -c '^not ok - ')
	s=$(echo "$out" | grep -c '^skip - ')
	pass=$((pass + p)); fail=$((fail + f)); skipped=$((skipped + s))
	# A script that dies without reporting a failure still fails.
	[ $rc = 0 ] || [ "$f" -gt 0 ] || fail=$((fail + 1))
done

echo "total: $pass passed, $fail failed, $skipped skipped"
[ $fail = 0 ]
