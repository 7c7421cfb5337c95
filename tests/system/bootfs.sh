#!/usr/bin/env bash
# The boot archives (shared/include/ukern/bootfs.h) make builds: the
# product's (kernel.elf: init, then every program under guest-servers/)
# and the tests' (build/kernel-test.elf: the same, then every program
# under tests/guest/ and bench/guest/); and what tools/mkbootfs refuses.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

MK=build/tools/mkbootfs
IMG=build/bootfs.img
TEST_IMG=build/test/bootfs.img

if ! ${MAKE:-make} -s "$MK" "$IMG" "$TEST_IMG" >"$TMP/make.log" 2>&1; then
	bad "make builds $MK, $IMG and $TEST_IMG"
	sed 's/^/#   /' "$TMP/make.log" | tail -20
	exit 1
fi

# check_archive IMG NAME=FILE...: IMG holds exactly these entries, in
# this order, each with FILE's bytes; prints what is wrong, if anything.
check_archive() {
	python3 - "$@" <<'EOF'
import struct, sys
img = open(sys.argv[1], 'rb').read()
want = [a.split('=', 1) for a in sys.argv[2:]]
def fail(msg):
    print(msg); sys.exit(1)
if len(img) < 16:
    fail('shorter than the header')
magic, version, count, size = struct.unpack_from('<4I', img, 0)
if magic != 0x5346424b or version != 1:
    fail('magic/version %#x/%d' % (magic, version))
if size != len(img):
    fail('header size %d, file %d bytes' % (size, len(img)))
if count != len(want):
    fail('%d entries, want %d' % (count, len(want)))
end = 16 + 48 * count
for i, (name, path) in enumerate(want):
    raw, off, sz, res = struct.unpack_from('<32sIIQ', img, 16 + 48 * i)
    got = raw.rstrip(b'\0')
    if b'\0' in got or raw[31] != 0:
        fail('entry %d: name not NUL-padded' % i)
    if got.decode() != name:
        fail('entry %d: name %r, want %r' % (i, got, name))
    data = open(path, 'rb').read()
    if off % 16 or off < end or sz != len(data) or off + sz > size:
        fail('%s: offset %d size %d (file %d, previous end %d)'
             % (name, off, sz, len(data), end))
    if img[off:off + sz] != data:
        fail('%s: bytes differ from %s' % (name, path))
    if any(img[end:off]) or res != 0:
        fail('%s: padding not zero' % name)
    end = off + sz
if size != (end + 15) // 16 * 16 or any(img[end:]):
    fail('archive ends at %d, last data at %d' % (size, end))
EOF
}

# --- the archives make built -----------------------------------------
# entries FOLDER...: NAME=ELF for each program folder (one with .c files,
# not named lib), in the order given, init left out.
entries() {
	local d
	for d in "$@"; do
		[ "$(basename "$d")" = lib ] || [ "$(basename "$d")" = init ] &&
			continue
		ls "$d"/*.c >/dev/null 2>&1 &&
			echo "$(basename "$d")=build/user/$d.elf"
	done
}
# uses FOLDER...: NAME.uses=FILE for each program folder with a uses file.
uses() {
	local d
	for d in "$@"; do
		[ -f "$d/uses" ] && echo "$(basename "$d").uses=build/user/$d.uses"
	done
}
export LC_ALL=C         # make sorts folder names bytewise
product=(init=build/user/guest-servers/sys/init.elf
	$(entries guest-servers/*/*))
if why=$(check_archive "$IMG" "${product[@]}" $(uses guest-servers/*/*)); then
	ok "$IMG: init first, every product program once, bytes match"
else
	bad "$IMG: $why"
fi
if why=$(check_archive "$TEST_IMG" "${product[@]}" \
		$(entries tests/guest/* bench/guest/*) \
		abiold=build/user/tests/abiold.elf \
		$(uses guest-servers/*/* tests/guest/* bench/guest/*)); then
	ok "$TEST_IMG: the product's programs, then the tests' and benchmarks'"
else
	bad "$TEST_IMG: $why"
fi

# --- a small archive, byte by byte -------------------------------------
printf 'hello' >"$TMP/init.elf"
head -c 17 /dev/urandom >"$TMP/x.elf"
: >"$TMP/empty"
printf 'bak' >"$TMP/foo.elf.bak"
if "$MK" "$TMP/a.img" "$TMP/init.elf" "$TMP/x.elf" "$TMP/empty" \
		"$TMP/foo.elf.bak" 2>"$TMP/err" &&
	why=$(check_archive "$TMP/a.img" init="$TMP/init.elf" x="$TMP/x.elf" \
		empty="$TMP/empty" foo.elf.bak="$TMP/foo.elf.bak"); then
	# header 16 + 4 entries * 48 = 208: data at 208, 224, 256, 256.
	offs=$(od -An -tu4 -j 48 -N 4 "$TMP/a.img"; od -An -tu4 -j 96 -N 4 \
		"$TMP/a.img"; od -An -tu4 -j 144 -N 4 "$TMP/a.img")
	if [ "$(echo $offs)" = "208 224 256" ] && [ ! -e "$TMP/a.img.tmp" ]; then
		ok "mkbootfs: layout of a small archive (names, offsets, padding)"
	else
		bad "mkbootfs: small archive offsets: $(echo $offs)"
	fi
else
	bad "mkbootfs: small archive: ${why:-$(cat "$TMP/err")}"
fi

# refuse NAME OUT WANT-STDERR-REGEX FILE...: mkbootfs exits 2 with one
# line on stderr and leaves OUT (and OUT.tmp) as they were.
refuse() {
	local name=$1 out=$2 pat=$3 before after rc; shift 3
	before=$(cksum "$out" 2>/dev/null || echo none)
	"$MK" "$out" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
	after=$(cksum "$out" 2>/dev/null || echo none)
	if [ $rc != 2 ]; then
		bad "$name (exit $rc, want 2)"
	elif [ "$(wc -l <"$TMP/err")" != 1 ] || ! grep -Eq -- "$pat" "$TMP/err"; then
		bad "$name (stderr: $(cat "$TMP/err"))"
	elif [ "$before" != "$after" ] || [ -e "$out.tmp" ] || [ -s "$TMP/out" ]; then
		bad "$name (output touched)"
	else
		ok "$name"
	fi
}

refuse "mkbootfs refuses a missing file" "$TMP/m.img" \
	"^mkbootfs: $TMP/missing.elf: No such file or directory\$" \
	"$TMP/init.elf" "$TMP/missing.elf"
refuse "mkbootfs refuses a first file not named init" "$TMP/n.img" \
	"^mkbootfs: $TMP/x.elf: the first file must be named init\$" \
	"$TMP/x.elf" "$TMP/init.elf"
refuse "mkbootfs refuses init not first (make's archive order)" \
	"$TMP/n.img" "first file must be named init" \
	build/user/guest-servers/sys/registry.elf \
	build/user/guest-servers/sys/init.elf
echo old >"$TMP/old.img"
refuse "mkbootfs leaves an existing OUT alone on an error" "$TMP/old.img" \
	"missing.elf: " "$TMP/init.elf" "$TMP/missing.elf"
long=$TMP/$(printf 'a%.0s' {1..32}).elf
cp "$TMP/x.elf" "$long"
refuse "mkbootfs refuses a name of 32 bytes" "$TMP/l.img" \
	"longer than 31 bytes" "$TMP/init.elf" "$long"
cp "$TMP/x.elf" "$TMP/$(printf 'b%.0s' {1..31}).elf"
if "$MK" "$TMP/ok31.img" "$TMP/init.elf" \
		"$TMP/$(printf 'b%.0s' {1..31}).elf" 2>"$TMP/err"; then
	ok "mkbootfs takes a name of 31 bytes"
else
	bad "mkbootfs: name of 31 bytes: $(cat "$TMP/err")"
fi
mkdir -p "$TMP/d"
cp "$TMP/x.elf" "$TMP/d/x.elf"
refuse "mkbootfs refuses a name used twice" "$TMP/t.img" "used twice" \
	"$TMP/init.elf" "$TMP/x.elf" "$TMP/d/x.elf"
if "$MK" "$TMP/r.img" "$TMP/init.elf" "$TMP/x.elf" "$TMP/init.elf" \
		"$TMP/x.elf" 2>"$TMP/err" &&
	why=$(check_archive "$TMP/r.img" init="$TMP/init.elf" x="$TMP/x.elf"); then
	ok "mkbootfs packs a path given twice once"
else
	bad "mkbootfs: a path given twice: ${why:-$(cat "$TMP/err")}"
fi
refuse "mkbootfs refuses a directory" "$TMP/t.img" "not a regular file" \
	"$TMP/init.elf" "$TMP/d"
cp "$TMP/x.elf" "$TMP/.elf"
refuse "mkbootfs refuses an empty name" "$TMP/t.img" "empty entry name" \
	"$TMP/init.elf" "$TMP/.elf"
"$MK" "$TMP/u.img" >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ $rc = 2 ] && grep -q '^usage: mkbootfs OUT FILE' "$TMP/err" &&
	[ ! -e "$TMP/u.img" ]; then
	ok "mkbootfs without files prints its usage"
else
	bad "mkbootfs without files (exit $rc)"
fi

exit $failed
