/* bench/suite/zlib_codec.c: codec.h with zlib, deflate at level 6 (zlib's
 * default) and inflate, one call each over the whole buffer. */
#include <string.h>
#include <zlib.h>

#include "codec.h"

/* once: deflates (compress != 0, level 6, zlib format) or inflates len
 * bytes of in into out in one call; *out_len: capacity in, bytes out. */
static const char *once(int compress, const unsigned char *in, size_t len,
			unsigned char *out, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	int rc = compress ? deflateInit(&z, 6) : inflateInit(&z);
	if (rc != Z_OK)
		return "zlib: out of memory";
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)*out_len;
	rc = compress ? deflate(&z, Z_FINISH) : inflate(&z, Z_FINISH);
	*out_len = z.total_out;
	if (compress)
		deflateEnd(&z);
	else
		inflateEnd(&z);
	if (rc == Z_STREAM_END)
		return NULL;
	return compress ? "deflate did not finish" : "inflate did not finish";
}

/* codec_compress: deflate level 6. */
const char *codec_compress(const unsigned char *in, size_t len,
			   unsigned char *out, size_t *out_len)
{
	return once(1, in, len, out, out_len);
}

/* codec_decompress: inflate of one zlib stream. */
const char *codec_decompress(const unsigned char *in, size_t len,
			     unsigned char *out, size_t *out_len)
{
	return once(0, in, len, out, out_len);
}
