/*
 * opt_ra.h: register allocation for the optimizing tier's x86-64 back end
 * (opt_ra.c, used by opt_x64.c). Internal to nucleus/.
 */
#ifndef NUCLEUS_OPT_RA_H
#define NUCLEUS_OPT_RA_H

#include "nucleus/jit_x64.h"
#include "nucleus/opt.h"

/* The layout and every value's location. Positions: instruction i of
 * the layout reads its operands at 2i and defines its value at 2i + 1. */
struct opt_ra {
	uint32_t *ord; /* instructions in layout order (blocks in rpo) */
	uint32_t nord;
	uint32_t *idx;	       /* per value: its index in ord */
	uint32_t *bfrom, *bto; /* per block: its range [bfrom, bto) in ord */
	uint32_t *start, *end; /* per value: its interval (positions) */
	int8_t *reg;	       /* per value: its register, or -1 */
	int32_t *slot;	       /* per value: its stack slot, or -1 */
	uint32_t nslot;	       /* stack slots (8 bytes each) */
	uint32_t *saved;       /* values in caller-saved registers live */
	uint32_t nsaved;       /* across calls (saved in their slot) */
	uint16_t used;	       /* registers given out (bit mask) */
	uint64_t *weight;      /* per value: uses weighed by loop depth */
	uint8_t *depth;	       /* per block: its loop depth (up to 6) */
};

/* Allocates fn's values (clobbers: the instructions that call out, which
 * caller-saved registers do not survive); false when out of memory. */
bool opt_alloc(struct opt_fn *fn, struct opt_ra *ra,
	       bool (*clobbers)(const struct opt_ins *));
void opt_ra_free(struct opt_ra *ra);

#endif
