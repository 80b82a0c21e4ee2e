/*
 * nt.h: what the network tests' server (srv.c) and client (cli.c)
 * share: their ports, the byte pattern they exchange and its checksum.
 */
#ifndef NT_H
#define NT_H

#include <stdint.h>

#define NT_ECHO 7    /* TCP: echoes until the end of stream; UDP: echoes */
#define NT_SINK 9    /* TCP: reads to the end, answers count and checksum */
#define NT_SOURCE 19 /* TCP: reads count and seed, sends that pattern */
#define NT_SECOND 1000000000LL

/* The pattern's bytes: xorshift32 from seed (not 0). */
static inline void nt_pattern(uint32_t *state, uint8_t *b, uint32_t n)
{
	uint32_t x = *state;

	for (uint32_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (uint8_t)x;
	}
	*state = x;
}

/* FNV-1a over b, continuing from h (start with 2166136261). */
static inline uint32_t nt_fnv(uint32_t h, const uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

#endif
