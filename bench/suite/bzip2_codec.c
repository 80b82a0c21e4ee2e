/* bench/suite/bzip2_codec.c: codec.h with libbzip2 (built with
 * BZ_NO_STDIO), 900 KiB blocks (level 9, bzip2's default). */
#include <stdio.h>
#include <stdlib.h>

#include <bzlib.h>

#include "codec.h"

/* bz_internal_error: libbzip2's report of a broken invariant. */
void bz_internal_error(int code)
{
	fprintf(stderr, "libbzip2: internal error %d\n", code);
	exit(1);
}

/* codec_compress: one BZ2_bzBuffToBuffCompress call. */
const char *codec_compress(const unsigned char *in, size_t len,
			   unsigned char *out, size_t *out_len)
{
	unsigned n = (unsigned)*out_len;
	int rc = BZ2_bzBuffToBuffCompress((char *)out, &n, (char *)in,
					  (unsigned)len, 9, 0, 0);
	*out_len = n;
	return rc == BZ_OK ? NULL : "BZ2_bzBuffToBuffCompress failed";
}

/* codec_decompress: one BZ2_bzBuffToBuffDecompress call. */
const char *codec_decompress(const unsigned char *in, size_t len,
			     unsigned char *out, size_t *out_len)
{
	unsigned n = (unsigned)*out_len;
	int rc = BZ2_bzBuffToBuffDecompress((char *)out, &n, (char *)in,
					    (unsigned)len, 0, 0);
	*out_len = n;
	return rc == BZ_OK ? NULL : "BZ2_bzBuffToBuffDecompress failed";
}
