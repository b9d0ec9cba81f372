#ifndef VARREPORT_CPNG_H
#define VARREPORT_CPNG_H
#include <stddef.h>
#include <stdint.h>

/// Receives encoded bytes; returns 0 to go on, non-zero to stop with an error.
typedef int (*vr_png_write_fn)(void *closure, const uint8_t *bytes, size_t count);

/// Encodes a cairo image surface (CAIRO_FORMAT_ARGB32: native-endian 32-bit pixels, alpha
/// premultiplied) as an 8-bit PNG: RGB when `keep_alpha` is 0 (the alpha byte is ignored), else
/// RGBA with the alpha un-premultiplied. Rows use no filter and zlib level `level` (0-9): for
/// chart images (flat colours, thin lines) that is as small as libpng's adaptive filters and
/// several times faster. Returns 0 on success, else a negative code; `message` (128 bytes) gets
/// libpng's error text.
int vr_png_encode_argb32(const uint8_t *pixels, int width, int height, int stride, int keep_alpha,
                         int level, vr_png_write_fn write, void *closure, char *message);

#endif
