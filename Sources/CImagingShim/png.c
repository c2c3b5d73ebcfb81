/*
 * libpng decoding.
 *
 * Headers are read through the simplified API, which catches its own errors and reports them
 * in image.message. Pixels are read row by row through the full API (its errors longjmp, so
 * the same pattern as jpeg.c: the public function owns every buffer in a context struct, a
 * static "run" function does the setjmp) and reduced on the fly by an integer box factor to
 * the smallest size that still covers what the caller asked for, as libjpeg's DCT scaling
 * does for JPEG: a 40-megapixel PNG never needs 120 MB, only a row and the reduced image.
 */
#include "internal.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libpng's memory reader says "read beyond end of data" when the file ends early, the row
 * reader "Not enough image data". */
static cimg_status png_message_code(const char *message) {
    return strstr(message, "end of data") != NULL || strstr(message, "Not enough") != NULL
        ? CIMG_ERR_TRUNCATED
        : CIMG_ERR_CORRUPT;
}

static cimg_status png_failure(png_image *image, cimg_error *error) {
    const char *message = image->message[0] != '\0' ? image->message : "unknown libpng error";
    cimg_status code = png_message_code(message);
    cimg_fail(error, code, "%s", message);
    png_image_free(image);
    return code;
}

static cimg_status begin(png_image *image, const uint8_t *data, size_t size, cimg_error *error) {
    memset(image, 0, sizeof *image);
    image->version = PNG_IMAGE_VERSION;
    if (size == 0) return cimg_fail(error, CIMG_ERR_TRUNCATED, "empty input");
    if (!png_image_begin_read_from_memory(image, data, size)) return png_failure(image, error);
    return CIMG_OK;
}

cimg_status cimg_png_read_info(const uint8_t *data, size_t size, cimg_png_info *info,
                               cimg_error *error) {
    png_image image;
    cimg_status status;
    cimg_clear(error);
    memset(info, 0, sizeof *info);
    status = begin(&image, data, size, error);
    if (status != CIMG_OK) return status;
    info->width = image.width;
    info->height = image.height;
    info->format = image.format;
    png_image_free(&image);
    return CIMG_OK;
}

/* ---- Row-by-row decoding with box reduction ------------------------------------------------ */

typedef struct {
    png_structp png;
    png_infop info;
    jmp_buf jump;
    char message[CIMG_MESSAGE_CAPACITY];
    /* The input, read through a cursor. */
    const uint8_t *data;
    size_t size;
    size_t offset;
    /* One decoded row, RGBA 8-bit. */
    uint8_t *row;
    /* Box sums: one output row (non-interlaced files) or the whole output (interlaced ones). */
    uint32_t *sums;
    uint8_t *pixels;
} png_context;

static void on_error(png_structp png, png_const_charp message) {
    png_context *ctx = png_get_error_ptr(png);
    snprintf(ctx->message, sizeof ctx->message, "%s", message != NULL ? message : "libpng error");
    longjmp(ctx->jump, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png; /* never print; the simplified API ignores warnings too */
    (void)message;
}

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    png_context *ctx = png_get_io_ptr(png);
    if (length > ctx->size - ctx->offset) png_error(png, "read beyond end of data");
    memcpy(out, ctx->data + ctx->offset, length);
    ctx->offset += length;
}

/* Composites an RGBA pixel on white: alpha 0 is white, 255 the colour itself. */
static inline uint32_t on_white(uint32_t c, uint32_t a) {
    return (c * a + 255u * (255u - a) + 127u) / 255u;
}

/* The largest k with ceil(n / k) >= m: ceil(n / k) >= m <=> n > k (m - 1). n when m <= 1. */
static uint32_t largest_factor(uint32_t n, uint32_t m) {
    return m <= 1 ? n : (n - 1) / (m - 1);
}

/* The largest integer factor k such that the image reduced by k (rounding up) still covers
 * min_width x min_height; 1 when nothing smaller covers it or either minimum is 0. */
static uint32_t reduction_factor(uint32_t w, uint32_t h, uint32_t min_width, uint32_t min_height) {
    uint32_t kw, kh, k;
    if (min_width == 0 || min_height == 0 || w == 0 || h == 0) return 1;
    kw = largest_factor(w, min_width);
    kh = largest_factor(h, min_height);
    k = kw < kh ? kw : kh;
    return k < 1 ? 1 : k;
}

/* Writes the averages of one output row of sums (box rows tall) into dst. */
static void flush_row(const uint32_t *sums, uint32_t in_w, uint32_t out_w, uint32_t k,
                      uint32_t box_rows, uint8_t *dst) {
    uint32_t ox;
    for (ox = 0; ox < out_w; ox++) {
        const uint32_t cols = ox * k + k <= in_w ? k : in_w - ox * k;
        const uint32_t area = cols * box_rows;
        dst[3 * ox] = (uint8_t)((sums[3 * ox] + area / 2) / area);
        dst[3 * ox + 1] = (uint8_t)((sums[3 * ox + 1] + area / 2) / area);
        dst[3 * ox + 2] = (uint8_t)((sums[3 * ox + 2] + area / 2) / area);
    }
}

static cimg_status run_png_decode(png_context *ctx, uint64_t max_pixels, uint32_t min_width,
                                  uint32_t min_height, cimg_image *out, cimg_error *error) {
    png_uint_32 w, h;
    int bit_depth, color_type, interlace, pass;
    uint32_t k, out_w, out_h;
    size_t total;

    if (setjmp(ctx->jump)) {
        return cimg_fail(error, png_message_code(ctx->message), "%s", ctx->message);
    }
    ctx->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, ctx, on_error, on_warning);
    if (ctx->png == NULL) return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot create a PNG reader");
    ctx->info = png_create_info_struct(ctx->png);
    if (ctx->info == NULL) return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot create PNG info");
    png_set_read_fn(ctx->png, ctx, read_from_memory);
    png_read_info(ctx->png, ctx->info);
    png_get_IHDR(ctx->png, ctx->info, &w, &h, &bit_depth, &color_type, &interlace, NULL, NULL);
    if ((uint64_t)w * (uint64_t)h > max_pixels) {
        return cimg_fail(error, CIMG_ERR_LIMIT, "%ux%u exceeds %llu pixels", (unsigned)w, (unsigned)h,
                         (unsigned long long)max_pixels);
    }

    /* Every colour type, depth and transparency to 8-bit RGBA. Samples are taken as sRGB (no
     * gamma conversion): what nearly every PNG writer means. */
    png_set_expand(ctx->png);
    png_set_scale_16(ctx->png);
    png_set_gray_to_rgb(ctx->png);
    png_set_add_alpha(ctx->png, 0xFF, PNG_FILLER_AFTER);
    png_read_update_info(ctx->png, ctx->info);
    if (png_get_rowbytes(ctx->png, ctx->info) != (size_t)w * 4) {
        return cimg_fail(error, CIMG_ERR_CORRUPT, "unexpected PNG row layout");
    }

    k = reduction_factor(w, h, min_width, min_height);
    out_w = (w + k - 1) / k;
    out_h = (h + k - 1) / k;
    if (!cimg_mul3(out_w, out_h, 3, &total)) return cimg_fail(error, CIMG_ERR_LIMIT, "image too large");
    ctx->pixels = malloc(total);
    ctx->row = malloc((size_t)w * 4);
    if (interlace != PNG_INTERLACE_NONE) {
        /* Adam7 delivers the pixels of one box over seven passes: keep every box's sums. */
        ctx->sums = calloc(total, sizeof *ctx->sums);
    } else {
        ctx->sums = calloc((size_t)out_w * 3, sizeof *ctx->sums);
    }
    if (ctx->pixels == NULL || ctx->row == NULL || ctx->sums == NULL) {
        return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot allocate %zu bytes", total);
    }

    if (interlace == PNG_INTERLACE_NONE) {
        uint32_t y;
        for (y = 0; y < h; y++) {
            uint32_t x;
            const uint32_t oy = y / k;
            png_read_row(ctx->png, ctx->row, NULL);
            for (x = 0; x < w; x++) {
                const uint8_t *p = ctx->row + 4 * x;
                uint32_t *s = ctx->sums + 3 * (x / k);
                s[0] += on_white(p[0], p[3]);
                s[1] += on_white(p[1], p[3]);
                s[2] += on_white(p[2], p[3]);
            }
            if ((y + 1) % k == 0 || y + 1 == h) {
                flush_row(ctx->sums, w, out_w, k, y + 1 - oy * k, ctx->pixels + (size_t)oy * out_w * 3);
                memset(ctx->sums, 0, (size_t)out_w * 3 * sizeof *ctx->sums);
            }
        }
    } else {
        uint32_t oy;
        /* Without png_set_interlace_handling, png_read_row returns each pass's own rows, and
         * skips passes that are empty for this size, as this loop does. */
        for (pass = 0; pass < 7; pass++) {
            const uint32_t cols = PNG_PASS_COLS(w, pass), rows = PNG_PASS_ROWS(h, pass);
            uint32_t r;
            if (cols == 0 || rows == 0) continue;
            for (r = 0; r < rows; r++) {
                const uint32_t y = PNG_PASS_START_ROW(pass) + r * (1u << PNG_PASS_ROW_SHIFT(pass));
                uint32_t *line = ctx->sums + (size_t)(y / k) * out_w * 3;
                uint32_t i;
                png_read_row(ctx->png, ctx->row, NULL);
                for (i = 0; i < cols; i++) {
                    const uint32_t x = PNG_PASS_START_COL(pass) + i * (1u << PNG_PASS_COL_SHIFT(pass));
                    const uint8_t *p = ctx->row + 4 * i;
                    uint32_t *s = line + 3 * (x / k);
                    s[0] += on_white(p[0], p[3]);
                    s[1] += on_white(p[1], p[3]);
                    s[2] += on_white(p[2], p[3]);
                }
            }
        }
        for (oy = 0; oy < out_h; oy++) {
            const uint32_t box_rows = oy * k + k <= h ? k : h - oy * k;
            flush_row(ctx->sums + (size_t)oy * out_w * 3, w, out_w, k, box_rows,
                      ctx->pixels + (size_t)oy * out_w * 3);
        }
    }
    png_read_end(ctx->png, NULL);
    out->pixels = ctx->pixels;
    out->width = out_w;
    out->height = out_h;
    ctx->pixels = NULL;
    return CIMG_OK;
}

cimg_status cimg_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                            uint32_t min_width, uint32_t min_height,
                            cimg_image *out, cimg_error *error) {
    png_context ctx;
    cimg_status status;
    cimg_clear(error);
    memset(out, 0, sizeof *out);
    if (size == 0) return cimg_fail(error, CIMG_ERR_TRUNCATED, "empty input");
    memset(&ctx, 0, sizeof ctx);
    ctx.data = data;
    ctx.size = size;
    status = run_png_decode(&ctx, max_pixels, min_width, min_height, out, error);
    if (ctx.png != NULL) png_destroy_read_struct(&ctx.png, ctx.info != NULL ? &ctx.info : NULL, NULL);
    free(ctx.row);
    free(ctx.sums);
    free(ctx.pixels);
    return status;
}
