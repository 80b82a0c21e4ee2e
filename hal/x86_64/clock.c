/*
 * clock.c: time from the TSC, whose rate is measured once at boot against
 * the PIT (channel 2, 10 ms); wall-clock time from the CMOS real-time
 * clock, read once at boot.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

#define PIT_HZ 1193182
#define CAL_MS 10

static uint64_t tsc_hz, tsc_boot;
static uint64_t ns_mult;       /* ns = ticks * ns_mult >> 32 */
static uint64_t realtime_base; /* Unix time in ns at tsc_boot */

/* Counts TSC ticks during CAL_MS ms of PIT channel 2 in mode 0 (its
 * output, read at port 0x61 bit 5, rises when the count reaches zero).
 * Returns 0 if the PIT never answers. */
static uint64_t measure_tsc_hz(void)
{
	uint16_t latch = PIT_HZ * CAL_MS / 1000;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0); /* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, latch & 0xff);
	outb(0x42, latch >> 8);
	uint64_t t0 = rdtsc();
	for (long i = 0; i < 10000000; i++)
		if (inb(0x61) & 0x20)
			return (rdtsc() - t0) * (1000 / CAL_MS);
	return 0;
}

/* Reads CMOS register r. */
static unsigned cmos(int r)
{
	outb(0x70, r);
	return inb(0x71);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* A CMOS register as a number, decoding BCD unless the RTC is binary. */
static unsigned cmos_num(int r, bool binary)
{
	unsigned v = cmos(r);
	return binary ? v : (v & 0x0f) + (v >> 4) * 10;
}

/* Reads the RTC as Unix seconds (assumes it keeps UTC, as QEMU's does,
 * and that the year is 20xx). */
static uint64_t rtc_seconds(void)
{
	for (long i = 0; i < 1000000 && (cmos(0x0a) & 0x80); i++)
		; /* wait while an update is in progress */
	unsigned b = cmos(0x0b);
	bool binary = b & 0x04, h24 = b & 0x02;
	unsigned s = cmos_num(0, binary), mi = cmos_num(2, binary);
	unsigned d = cmos_num(7, binary), mo = cmos_num(8, binary);
	unsigned y = cmos_num(9, binary);
	unsigned hr = cmos(4), pm = hr & 0x80;
	unsigned h = binary ? hr & 0x7f : (hr & 0x0f) + ((hr & 0x70) >> 4) * 10;
	if (!h24)
		h = h % 12 + (pm ? 12 : 0);
	int64_t days = days_from_civil(2000 + y, mo, d);
	return (uint64_t)(days * 86400 + h * 3600 + mi * 60 + s);
}

/* Calibrates the TSC and takes the wall-clock base. */
void clock_init(void)
{
	tsc_hz = measure_tsc_hz();
	if (!tsc_hz) {
		kprintf("clock: the PIT did not answer; assuming 1 GHz\n");
		tsc_hz = 1000000000;
	}
	ns_mult = (1000000000ull << 32) / tsc_hz;
	tsc_boot = rdtsc();
	realtime_base = rtc_seconds() * 1000000000ull;
}

uint64_t clock_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t hal_clock_monotonic_ns(void)
{
	unsigned __int128 t = (unsigned __int128)(rdtsc() - tsc_boot) * ns_mult;
	return (uint64_t)(t >> 32);
}

uint64_t hal_clock_realtime_ns(void)
{
	return realtime_base + hal_clock_monotonic_ns();
}

uint64_t hal_clock_resolution_ns(void)
{
	return tsc_hz >= 1000000000 ? 1 : 1000000000 / tsc_hz;
}
