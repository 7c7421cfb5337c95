# Shared by bench/*.sh: rows of one JSON file and one printed table.
# A row: metric system unit min median p99 n [note]
ROWS=()
row() { ROWS+=("$*"); }

# emit NAME: print the table and write bench/out/NAME.json
emit() {
	local name=$1 r first=1
	mkdir -p bench/out
	printf '\n%-34s %-10s %-6s %14s %14s %14s %7s\n' metric system unit min median p99 n
	for r in "${ROWS[@]}"; do
		set -- $r
		local note=${*:8}
		if [ "$7" = 0 ]; then
			printf '%-34s %-10s %-6s %s\n' "$1" "$2" "$3" "$note"
		else
			printf '%-34s %-10s %-6s %14s %14s %14s %7s %s\n' \
				"$1" "$2" "$3" "$4" "$5" "$6" "$7" "$note"
		fi
	done
	{
		printf '{"bench": "%s", "host": "%s", "when": "%s",\n "rows": [' \
			"$name" "$(hostname)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		for r in "${ROWS[@]}"; do
			set -- $r
			[ $first = 1 ] || printf ','
			first=0
			printf '\n  {"metric": "%s", "system": "%s", "unit": "%s", ' "$1" "$2" "$3"
			if [ "$7" = 0 ]; then
				printf '"n": 0, "note": "%s"}' "${*:8}"
			elif [ -n "${*:8}" ]; then
				printf '"min": %s, "median": %s, "p99": %s, "n": %s, "note": "%s"}' \
					"$4" "$5" "$6" "$7" "${*:8}"
			else
				printf '"min": %s, "median": %s, "p99": %s, "n": %s}' "$4" "$5" "$6" "$7"
			fi
		done
		printf '\n ]}\n'
	} >"bench/out/$name.json"
	echo "wrote bench/out/$name.json"
}

# The guest benchmarks (ipcbench, blkbench, nettest) are in the test
# image; bench-boot boots the product's kernel.elf.
KERNEL=build/kernel-test.elf
PRODUCT=./kernel.elf
# The host programs (bench/*.c), built by make.
RUNSTAT=build/bench/runstat
NETRTT=build/bench/netrtt
PINGPONG=build/bench/pingpong

have_kvm() { scripts/kvm-ok.sh "${VMM_KVM:-/dev/kvm}"; }

# summarize: numbers on stdin, one per line, as "min median max n";
# nothing when there are none.
summarize() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR) print v[1], v[int((NR + 1) / 2)], v[NR], NR }'
}

# seccomp_us KERNEL WORDS...: the seccomp_us of ten ./vmm --stats boots
# (the console on, so both threads load their filters), one per line.
seccomp_us() {
	local k=$1 i
	shift
	for i in 1 2 3 4 5 6 7 8 9 10; do
		./vmm --stats "$k" -- "$@" </dev/null 2>&1 >/dev/null |
			sed -n 's/.*seccomp_us=\([0-9]*\).*/\1/p'
	done
}

# The QEMU microvm command line (scripts/microvm.args), UART on stdout.
QEMU_MICROVM=($(grep -v '^#' scripts/microvm.args) -serial stdio)
