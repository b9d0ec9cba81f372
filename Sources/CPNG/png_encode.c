// PNG encoding with libpng. In C because libpng reports errors with longjmp, which Swift cannot
// catch: the setjmp lives here and every error becomes a return code.
#include "cpng.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

struct sink {
    vr_png_write_fn write;
    void *closure;
    char *message;
};

static void on_error(png_structp png, png_const_charp text) {
    struct sink *s = png_get_error_ptr(png);
    if (s && s->message) { strncpy(s->message, text ? text : "libpng error", 127); s->message[127] = 0; }
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void on_write(png_structp png, png_bytep data, size_t length) {
    struct sink *s = png_get_io_ptr(png);
    if (s->write(s->closure, data, length) != 0) png_error(png, "writing the PNG bytes failed");
}

static void on_flush(png_structp png) { (void)png; }

int vr_png_encode_argb32(const uint8_t *pixels, int width, int height, int stride, int keep_alpha,
                         int level, vr_png_write_fn write, void *closure, char *message) {
    if (width <= 0 || height <= 0 || stride < width * 4) return -1;
    struct sink s = { write, closure, message };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &s, on_error, on_warning);
    if (!png) return -2;
    png_infop info = png_create_info_struct(png);
    int channels = keep_alpha ? 4 : 3;
    uint8_t *volatile row = NULL;
    if (!info) { png_destroy_write_struct(&png, NULL); return -2; }
    if (setjmp(png_jmpbuf(png))) {
        free(row);
        png_destroy_write_struct(&png, &info);
        return -3;
    }
    row = malloc((size_t)width * channels);
    if (!row) png_error(png, "out of memory");
    png_set_write_fn(png, &s, on_write, on_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 keep_alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, level < 0 ? 3 : (level > 9 ? 9 : level));
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        const uint32_t *src = (const uint32_t *)(pixels + (size_t)y * stride);
        uint8_t *out = row;
        for (int x = 0; x < width; x++) {
            uint32_t p = src[x];
            uint8_t a = p >> 24, r = p >> 16, g = p >> 8, b = p;
            if (keep_alpha) {
                if (a != 0 && a != 255) {  // un-premultiply, rounding as cairo does
                    r = (uint8_t)((r * 255 + a / 2) / a);
                    g = (uint8_t)((g * 255 + a / 2) / a);
                    b = (uint8_t)((b * 255 + a / 2) / a);
                }
                out[0] = r; out[1] = g; out[2] = b; out[3] = a; out += 4;
            } else {
                out[0] = r; out[1] = g; out[2] = b; out += 3;
            }
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    free(row);
    png_destroy_write_struct(&png, &info);
    return 0;
}
