#ifndef VARREPORT_CPNG_H
#define VARREPORT_CPNG_H
#include <stddef.h>
#include <stdint.h>

/// Receives encoded bytes; returns 0 to go on, non-zero to stop with an error.
typedef int (*vr_png_write_fn)(void *closure, const uint8_t *bytes, size_t count);

/// An encoder that takes a cairo image's rows a band at a time, so a large image never has to be
/// in memory whole (the renderer draws it in horizontal strips).
typedef struct vr_png_encoder vr_png_encoder;

/// Starts an 8-bit PNG of `width` x `height` pixels: RGB when `keep_alpha` is 0, else RGBA.
/// Rows use no filter and zlib level `level` (0-9): for chart images (flat colours, thin lines)
/// that is as small as libpng's adaptive filters and several times faster. Returns NULL on
/// failure, with libpng's error text in `message` (128 bytes).
vr_png_encoder *vr_png_begin(int width, int height, int keep_alpha, int level,
                             vr_png_write_fn write, void *closure, char *message);

/// Encodes `rows` rows of CAIRO_FORMAT_ARGB32 pixels (native-endian 32-bit, alpha
/// premultiplied; the alpha is un-premultiplied for RGBA, ignored for RGB). Returns 0, or a
/// negative code with the text in the `message` given to `vr_png_begin`.
int vr_png_write_rows(vr_png_encoder *encoder, const uint8_t *pixels, int rows, int stride);

/// Finishes the file after every row was written (0 on success) and frees the encoder; with
/// `abandon` non-zero, only frees it.
int vr_png_end(vr_png_encoder *encoder, int abandon);

#endif
