/*
 * fat_name.c: names and times. Long names are UTF-16 (BMP only) made
 * from UTF-8; short names are generated as Windows and Linux do (upper
 * case, invalid characters as '_', a "~N" tail when the long name does
 * not fit 8.3 as it is); the bytes 0x80-0xFF of short names written by
 * others read as Latin-1. Times are DOS local times taken as UTC.
 */
#include <string.h>

#include "fat_int.h"

/* Decodes UTF-8 name into at most FAT_LFN_MAX units u (*n of them):
 * FAT_EINVAL for bad UTF-8 or a character outside the BMP. */
int name_to_ucs(const char *name, uint16_t *u, int *n)
{
	const uint8_t *p = (const uint8_t *)name;
	int k = 0;

	while (*p) {
		uint32_t c = *p++, need = 0, min = 0;
		if (c >= 0xF0)
			return FAT_EINVAL;
		if (c >= 0xE0) {
			c &= 0x0F, need = 2, min = 0x800;
		} else if (c >= 0xC0) {
			c &= 0x1F, need = 1, min = 0x80;
		} else if (c >= 0x80) {
			return FAT_EINVAL;
		}
		for (; need; need--, p++) {
			if ((*p & 0xC0) != 0x80)
				return FAT_EINVAL;
			c = c << 6 | (*p & 0x3F);
		}
		if (c < min || (c >= 0xD800 && c < 0xE000))
			return FAT_EINVAL;
		if (k == FAT_LFN_MAX)
			return FAT_ENAMETOOLONG;
		u[k++] = (uint16_t)c;
	}
	*n = k;
	return FAT_OK;
}

/* Encodes n units u as UTF-8 into out (size bytes, NUL-terminated):
 * FAT_EIO if a unit is a surrogate (not a BMP character). */
int ucs_to_utf8(const uint16_t *u, int n, char *out, size_t size)
{
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		uint32_t c = u[i];
		if (c >= 0xD800 && c < 0xE000)
			return FAT_EIO;
		if (k + 4 > size)
			return FAT_EIO;
		if (c < 0x80) {
			out[k++] = (char)c;
		} else if (c < 0x800) {
			out[k++] = (char)(0xC0 | c >> 6);
			out[k++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[k++] = (char)(0xE0 | c >> 12);
			out[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[k++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[k] = 0;
	return FAT_OK;
}

/* ASCII upper case of c. */
static int up(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

/* True if UTF-8 names a and b are equal, ignoring ASCII case. */
bool name_eq(const char *a, const char *b)
{
	for (; *a && up((uint8_t)*a) == up((uint8_t)*b); a++, b++)
		;
	return up((uint8_t)*a) == up((uint8_t)*b);
}

/* The checksum of an 11-byte short name, kept in its long name entries. */
uint8_t lfn_sum(const uint8_t *sname)
{
	uint8_t sum = 0;
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sname[i]);
	return sum;
}

/* Appends byte c of a short name to out at *k, lower-cased if low,
 * as UTF-8 (Latin-1 above 0x7F). */
static void short_put(char *out, int *k, uint8_t c, bool low)
{
	if (low && c >= 'A' && c <= 'Z')
		c += 32;
	if (c < 0x80) {
		out[(*k)++] = (char)c;
	} else {
		out[(*k)++] = (char)(0xC0 | c >> 6);
		out[(*k)++] = (char)(0x80 | (c & 0x3F));
	}
}

/* The short name of entry e as "NAME.EXT" (UTF-8, at most 25 bytes),
 * lower-cased as its NT case bits say. */
void short_display(const uint8_t *e, char *out)
{
	int k = 0, end = 8, eend = 11;
	while (end > 0 && e[end - 1] == ' ')
		end--;
	while (eend > 8 && e[eend - 1] == ' ')
		eend--;
	for (int i = 0; i < end; i++)
		short_put(out, &k, i == 0 && e[0] == 0x05 ? 0xE5 : e[i],
			  e[DE_NTRES] & NT_LOWER_BASE);
	if (eend > 8)
		out[k++] = '.';
	for (int i = 8; i < eend; i++)
		short_put(out, &k, e[i], e[DE_NTRES] & NT_LOWER_EXT);
	out[k] = 0;
}

/* True if c may stand in a short name as it is. */
static bool short_char(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c > 0x20 && c < 0x80 && strchr("!#$%&'()-@^_`{}~", (int)c));
}

/* The case of a part of a name: bit 1 has lower, bit 2 has upper. */
static int part_case(const uint16_t *u, int n)
{
	int r = 0;
	for (int i = 0; i < n; i++) {
		r |= (u[i] >= 'a' && u[i] <= 'z') ? 1 : 0;
		r |= (u[i] >= 'A' && u[i] <= 'Z') ? 2 : 0;
	}
	return r;
}

/* Converts part u[0..n) to short characters into out (at most max, space
 * padded); true if anything was lost (changed, dropped, cut). */
static bool short_part(const uint16_t *u, int n, uint8_t *out, int max)
{
	bool lossy = false;
	int k = 0;
	for (int i = 0; i < n; i++) {
		uint32_t c = (uint32_t)up(u[i] < 0x80 ? u[i] : 0);
		if (u[i] == ' ' || u[i] == '.') {
			lossy = true;
			continue;
		}
		if (!short_char(c)) {
			c = '_';
			lossy = true;
		}
		if (k == max) {
			lossy = true;
			break;
		}
		out[k++] = (uint8_t)c;
	}
	return lossy;
}

/* Checks long name u (n units) and makes its short name sname (11
 * bytes): 0 if the name is its short name (*nt: the case bits, no long
 * name needed), 1 if sname is exact but a long name is needed (mixed
 * case), 2 if sname is only a basis that needs a "~N" tail; or
 * FAT_EINVAL for a name FAT cannot hold. */
int short_make(const uint16_t *u, int n, uint8_t *sname, uint8_t *nt)
{
	int dot = -1, lead = 0;

	if (n == 0 || u[n - 1] == '.' || u[n - 1] == ' ')
		return FAT_EINVAL;
	for (int i = 0; i < n; i++) {
		if (u[i] < 0x20 || (u[i] < 0x80 && strchr("\"*/:<>?\\|", u[i])))
			return FAT_EINVAL;
		if (u[i] == '.')
			dot = i;
	}
	while (lead < n && u[lead] == '.')
		lead++;
	if (dot < lead)
		dot = n; /* ".profile": no extension */
	memset(sname, ' ', 11);
	*nt = 0;
	bool lossy = short_part(u + lead, dot - lead, sname, 8);
	if (dot < n)
		lossy |= short_part(u + dot + 1, n - dot - 1, sname + 8, 3);
	lossy |= lead > 0;
	if (sname[0] == ' ') {
		sname[0] = '_';
		lossy = true;
	}
	if (sname[0] == 0xE5)
		sname[0] = 0x05;
	if (lossy)
		return 2;
	int bc = part_case(u, dot),
	    ec = dot < n ? part_case(u + dot + 1, n - dot - 1) : 0;
	if (bc == 3 || ec == 3)
		return 1;
	*nt = (uint8_t)((bc == 1 ? NT_LOWER_BASE : 0) |
			(ec == 1 ? NT_LOWER_EXT : 0));
	return 0;
}

/* Puts tail "~k" into short name sname, cutting its base to fit. */
void short_tail(uint8_t *sname, uint32_t k)
{
	char t[12];
	int len = 0, base = 8;
	while (base > 0 && sname[base - 1] == ' ')
		base--;
	do {
		t[len++] = (char)('0' + k % 10);
		k /= 10;
	} while (k);
	t[len++] = '~';
	if (base > 8 - len)
		base = 8 - len;
	for (int i = 0; i < len; i++)
		sname[base + i] = (uint8_t)t[len - 1 - i];
	for (int i = base + len; i < 8; i++)
		sname[i] = ' ';
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_of(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Seconds since 1970 of a DOS date and time (0 date: 1980-01-01). */
int64_t dos_to_unix(uint16_t date, uint16_t time)
{
	int m = (date >> 5) & 15, d = date & 31;
	if (m < 1 || m > 12)
		m = 1;
	if (d < 1)
		d = 1;
	int64_t days = days_of(1980 + (date >> 9), m, d);
	return days * 86400 + (time >> 11) * 3600 + ((time >> 5) & 63) * 60 +
	       (time & 31) * 2;
}

/* The DOS date and time of t, clamped to 1980..2107. */
void unix_to_dos(int64_t t, uint16_t *date, uint16_t *time)
{
	if (t < 315532800)
		t = 315532800;
	if (t > 4354819198LL)
		t = 4354819198LL;
	int64_t z = t / 86400 + 719468, s = t % 86400;
	int64_t era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	int64_t y = yoe + era * 400 + (m <= 2);
	*date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
	*time = (uint16_t)((s / 3600) << 11 | ((s / 60) % 60) << 5 |
			   (s % 60) / 2);
}

/* Stamps entry e modified (and accessed) now; created too if create. */
void de_stamp(struct fat_fs *fs, uint8_t *e, bool create)
{
	int64_t now = fs->dev.now ? fs->dev.now(fs->dev.ctx) : 315532800;
	uint16_t date, time;
	unix_to_dos(now, &date, &time);
	put16(e + DE_MDATE, date);
	put16(e + DE_MTIME, time);
	put16(e + DE_ADATE, date);
	if (create) {
		put16(e + DE_CDATE, date);
		put16(e + DE_CTIME, time);
		e[DE_CTIME_MS] = (uint8_t)(now % 2 * 100);
	}
}
