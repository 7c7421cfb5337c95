/*
 * Time and randomness. Both clocks run on the TSC (read in user mode,
 * no kernel entry), at the rate the kernel measured. CLOCK_REALTIME
 * starts at the host's time the monitor wrote into the module just
 * before the guest ran, so it lags the host by the boot's length
 * (milliseconds). Sleeping yields the CPU until the time has passed.
 */
#include "lx.h"
#include "uk.h"
#include "ulib.h"

#define NS      1000000000ull

static uint64_t tsc0, khz;
static uint64_t rng[4];

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

uint64_t lx_monotonic_ns(void)
{
	uint64_t d = rdtsc() - tsc0;

	return d / khz * 1000000u + d % khz * 1000000u / khz;
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna), seeded from the host. */
static uint64_t next(void)
{
	uint64_t r = rotl(rng[1] * 5, 7) * 9, t = rng[1] << 17;

	rng[2] ^= rng[0];
	rng[3] ^= rng[1];
	rng[1] ^= rng[2];
	rng[0] ^= rng[3];
	rng[2] ^= t;
	rng[3] = rotl(rng[3], 45);
	return r;
}

void lx_clock_init(void)
{
	tsc0 = rdtsc();
	if (uk_info(UK_INFO_TSC_KHZ, &khz) != UK_OK || !khz)
		khz = 1000000;          /* a guess: 1 GHz */
	memcpy(rng, lx_app->seed, sizeof rng);
	rng[0] ^= tsc0;
	if (!(rng[0] | rng[1] | rng[2] | rng[3]))
		rng[0] = 1;
}

void lx_random(void *buf, size_t n)
{
	uint8_t *b = buf;

	while (n) {
		uint64_t v = next();
		size_t k = n < 8 ? n : 8;

		memcpy(b, &v, k);
		b += k;
		n -= k;
	}
}

long lx_getrandom(uint64_t buf, uint64_t n, uint64_t flags)
{
	if (flags & ~7ull)
		return -LX_EINVAL;
	if (n > 33554431)
		n = 33554431;
	if (!lx_user_ok(buf, n, 1))
		return -LX_EFAULT;
	lx_random((void *)(uintptr_t)buf, n);
	return (long)n;
}

/* CLOCK_REALTIME 0, MONOTONIC 1, PROCESS_CPUTIME 2, THREAD_CPUTIME 3,
 * MONOTONIC_RAW 4, REALTIME_COARSE 5, MONOTONIC_COARSE 6, BOOTTIME 7. */
static int clock_ns(uint64_t clk, uint64_t *ns)
{
	uint64_t mono = lx_monotonic_ns();

	switch (clk) {
	case 0: case 5:
		*ns = lx_app->realtime_ns + mono;
		return 0;
	case 1: case 2: case 3: case 4: case 6: case 7:
		*ns = mono;
		return 0;
	}
	return -LX_EINVAL;
}

static long put_ts(uint64_t ts, uint64_t ns)
{
	if (!lx_user_ok(ts, 16, 1))
		return -LX_EFAULT;
	((uint64_t *)(uintptr_t)ts)[0] = ns / NS;
	((uint64_t *)(uintptr_t)ts)[1] = ns % NS;
	return 0;
}

long lx_clock_gettime(uint64_t clk, uint64_t ts)
{
	uint64_t ns;

	if (clock_ns(clk, &ns) < 0)
		return -LX_EINVAL;
	return put_ts(ts, ns);
}

long lx_clock_getres(uint64_t clk, uint64_t ts)
{
	uint64_t ns;

	if (clock_ns(clk, &ns) < 0)
		return -LX_EINVAL;
	return ts ? put_ts(ts, 1) : 0;
}

long lx_gettimeofday(uint64_t tv)
{
	uint64_t ns = lx_app->realtime_ns + lx_monotonic_ns();

	if (!tv)
		return 0;
	if (!lx_user_ok(tv, 16, 1))
		return -LX_EFAULT;
	((uint64_t *)(uintptr_t)tv)[0] = ns / NS;
	((uint64_t *)(uintptr_t)tv)[1] = ns % NS / 1000;
	return 0;
}

long lx_time(uint64_t t)
{
	uint64_t s = (lx_app->realtime_ns + lx_monotonic_ns()) / NS;

	if (t) {
		if (!lx_user_ok(t, 8, 1))
			return -LX_EFAULT;
		*(uint64_t *)(uintptr_t)t = s;
	}
	return (long)s;
}

/* Waits until the monotonic clock reads deadline. */
static void sleep_until(uint64_t deadline)
{
	while (lx_monotonic_ns() < deadline)
		uk_yield();
}

static long read_ts(uint64_t ts, uint64_t *ns)
{
	const int64_t *v = (const int64_t *)(uintptr_t)ts;

	if (!lx_user_ok(ts, 16, 0))
		return -LX_EFAULT;
	if (v[0] < 0 || v[1] < 0 || v[1] >= (int64_t)NS)
		return -LX_EINVAL;
	*ns = (uint64_t)v[0] > UINT64_MAX / NS / 2 ? UINT64_MAX / 2 :
	      (uint64_t)v[0] * NS + (uint64_t)v[1];
	return 0;
}

long lx_nanosleep(uint64_t req, uint64_t rem)
{
	uint64_t ns;
	long r = read_ts(req, &ns);

	if (r < 0)
		return r;
	sleep_until(lx_monotonic_ns() + ns);
	if (rem && lx_user_ok(rem, 16, 1))
		put_ts(rem, 0);
	return 0;
}

long lx_clock_nanosleep(uint64_t clk, uint64_t flags, uint64_t req,
			uint64_t rem)
{
	uint64_t ns, now;
	long r;

	if (clock_ns(clk, &now) < 0 || clk == 2 || clk == 3)
		return -LX_EINVAL;
	if ((r = read_ts(req, &ns)) < 0)
		return r;
	if (flags & 1)                  /* TIMER_ABSTIME */
		ns = ns > now ? ns - now : 0;
	sleep_until(lx_monotonic_ns() + ns);
	(void)rem;
	return 0;
}
