/* bench/suite/codec.h: the codec a roundtrip.c program is linked with.
 * Both calls take the output capacity in *out_len and return there the
 * bytes written; they return NULL, or a message on failure. */
#ifndef SUITE_CODEC_H
#define SUITE_CODEC_H
#include <stddef.h>

const char *codec_compress(const unsigned char *in, size_t len,
			   unsigned char *out, size_t *out_len);
const char *codec_decompress(const unsigned char *in, size_t len,
			     unsigned char *out, size_t *out_len);
#endif
