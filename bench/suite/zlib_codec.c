/* bench/suite/zlib_codec.c: codec.h with zlib, deflate at level 6 (zlib's
 * default) and inflate, one call each over the whole buffer. */
#include <string.h>
#include <zlib.h>

#include "codec.h"

/* codec_compress: deflate level 6, zlib format. */
const char *codec_compress(const unsigned char *in, size_t len,
			   unsigned char *out, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit(&z, 6) != Z_OK)
		return "deflateInit failed";
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)*out_len;
	int rc = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? NULL : "deflate did not finish";
}

/* codec_decompress: inflate of one zlib stream. */
const char *codec_decompress(const unsigned char *in, size_t len,
			     unsigned char *out, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return "inflateInit failed";
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)*out_len;
	int rc = inflate(&z, Z_FINISH);
	*out_len = z.total_out;
	inflateEnd(&z);
	return rc == Z_STREAM_END ? NULL : "inflate did not finish";
}
