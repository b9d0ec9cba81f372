// PNG encoding with libpng. In C because libpng reports errors with longjmp, which Swift cannot
// catch: each entry point that calls libpng sets its own setjmp and turns errors into return codes.
#include "cpng.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

struct vr_png_encoder {
    png_structp png;
    png_infop info;
    vr_png_write_fn write;
    void *closure;
    char *message;
    int width, height, keep_alpha, rows_written;
    uint8_t *row;
};

static void on_error(png_structp png, png_const_charp text) {
    struct vr_png_encoder *e = png_get_error_ptr(png);
    if (e && e->message) { strncpy(e->message, text ? text : "libpng error", 127); e->message[127] = 0; }
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void on_write(png_structp png, png_bytep data, size_t length) {
    struct vr_png_encoder *e = png_get_io_ptr(png);
    if (e->write(e->closure, data, length) != 0) png_error(png, "writing the PNG bytes failed");
}

static void on_flush(png_structp png) { (void)png; }

static void set_message(char *message, const char *text) {
    if (message) { strncpy(message, text, 127); message[127] = 0; }
}

vr_png_encoder *vr_png_begin(int width, int height, int keep_alpha, int level,
                             vr_png_write_fn write, void *closure, char *message) {
    if (width <= 0 || height <= 0) { set_message(message, "empty image"); return NULL; }
    struct vr_png_encoder *e = calloc(1, sizeof *e);
    if (!e) { set_message(message, "out of memory"); return NULL; }
    e->write = write; e->closure = closure; e->message = message;
    e->width = width; e->height = height; e->keep_alpha = keep_alpha;
    e->row = malloc((size_t)width * (keep_alpha ? 4 : 3));
    e->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, e, on_error, on_warning);
    if (e->png) e->info = png_create_info_struct(e->png);
    if (!e->row || !e->png || !e->info) {
        set_message(message, "out of memory");
        vr_png_end(e, 1);
        return NULL;
    }
    if (setjmp(png_jmpbuf(e->png))) { vr_png_end(e, 1); return NULL; }
    png_set_write_fn(e->png, e, on_write, on_flush);
    png_set_IHDR(e->png, e->info, (png_uint_32)width, (png_uint_32)height, 8,
                 keep_alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(e->png, level < 0 ? 3 : (level > 9 ? 9 : level));
    png_set_filter(e->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_write_info(e->png, e->info);
    return e;
}

int vr_png_write_rows(vr_png_encoder *e, const uint8_t *pixels, int rows, int stride) {
    if (!e || rows < 0 || stride < e->width * 4 || rows > e->height - e->rows_written) {
        if (e) set_message(e->message, "rows do not fit the image");
        return -1;
    }
    if (setjmp(png_jmpbuf(e->png))) return -3;
    for (int y = 0; y < rows; y++) {
        const uint32_t *src = (const uint32_t *)(pixels + (size_t)y * stride);
        uint8_t *out = e->row;
        for (int x = 0; x < e->width; x++) {
            uint32_t p = src[x];
            uint8_t a = p >> 24, r = p >> 16, g = p >> 8, b = p;
            if (e->keep_alpha) {
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
        png_write_row(e->png, e->row);
        e->rows_written++;
    }
    return 0;
}

int vr_png_end(vr_png_encoder *e, int abandon) {
    if (!e) return -1;
    int status = 0;
    if (!abandon && e->png && e->info) {
        if (e->rows_written != e->height) {
            set_message(e->message, "not every row was written");
            status = -1;
        } else if (setjmp(png_jmpbuf(e->png))) {
            status = -3;
        } else {
            png_write_end(e->png, e->info);
        }
    }
    if (e->png) png_destroy_write_struct(&e->png, e->info ? &e->info : NULL);
    free(e->row);
    free(e);
    return status;
}
