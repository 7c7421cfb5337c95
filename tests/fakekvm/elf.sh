# Tiny PVH kernels for the monitor's tests (tests/system/cli.sh and
# fakekvm.sh), written byte by byte; sourced, from the repository root.

# Where the code starts in the file: after the ELF header, two program
# headers and the note. A kernel's entry is its PADDR plus this.
ELF_CODE_OFF=$((64 + 2 * 56 + 20))

# Little-endian hex of $1 in $2 bytes.
le() {
	local v=$1 n=$2 i out=""
	for ((i = 0; i < n; i++)); do
		out+=$(printf '%02x' $(((v >> (8 * i)) & 255)))
	done
	printf '%s' "$out"
}

# make_elf FILE CODEHEX [PADDR]: a minimal PVH kernel, one R+X PT_LOAD at
# PADDR (default 1 MiB) holding the headers, a PT_NOTE with the Xen note
# (type 18) and then the 32-bit code, which is the PVH entry.
make_elf() {
	local file=$1 code=$2 base=${3:-0x100000} ehdr phdrs note
	local filesz entry hex
	filesz=$((ELF_CODE_OFF + ${#code} / 2))
	entry=$((base + ELF_CODE_OFF))
	ehdr="7f454c46020101000000000000000000"
	ehdr+="$(le 2 2)$(le 0x3e 2)$(le 1 4)$(le "$entry" 8)"
	ehdr+="$(le 64 8)$(le 0 8)$(le 0 4)$(le 64 2)$(le 56 2)$(le 2 2)"
	ehdr+="$(le 0 2)$(le 0 2)$(le 0 2)"
	phdrs="$(le 1 4)$(le 5 4)$(le 0 8)$(le "$base" 8)$(le "$base" 8)"
	phdrs+="$(le "$filesz" 8)$(le "$filesz" 8)$(le 0x1000 8)"
	phdrs+="$(le 4 4)$(le 4 4)$(le 176 8)$(le 0 8)$(le 0 8)"
	phdrs+="$(le 20 8)$(le 20 8)$(le 4 8)"
	note="$(le 4 4)$(le 4 4)$(le 18 4)58656e00$(le "$entry" 4)"
	hex="$ehdr$phdrs$note$code"
	printf '%b' "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$file"
}
