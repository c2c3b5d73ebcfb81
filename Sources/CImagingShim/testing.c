/*
 * Test support: a PNG writer over libpng's full API, so the test suite can build fixtures of
 * every colour type, bit depth and interlacing without binary files in the repository.
 */
#include "internal.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    png_structp png;
    png_infop info;
    uint8_t *bytes;
    size_t size;
    size_t capacity;
    int oom;
    uint8_t *samples;
    png_bytep *rows;
    char message[CIMG_MESSAGE_CAPACITY];
} write_context;

static void write_bytes(png_structp png, png_bytep data, size_t length) {
    write_context *ctx = png_get_io_ptr(png);
    if (ctx->size + length > ctx->capacity) {
        size_t capacity = (ctx->capacity + length) * 2;
        uint8_t *bytes = realloc(ctx->bytes, capacity);
        if (bytes == NULL) {
            ctx->oom = 1;
            png_error(png, "out of memory");
        }
        ctx->bytes = bytes;
        ctx->capacity = capacity;
    }
    memcpy(ctx->bytes + ctx->size, data, length);
    ctx->size += length;
}

static void flush_bytes(png_structp png) {
    (void)png;
}

static void on_error(png_structp png, png_const_charp message) {
    write_context *ctx = png_get_error_ptr(png);
    strncpy(ctx->message, message, sizeof ctx->message - 1);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static unsigned luma(const uint8_t *p) {
    return (299u * p[0] + 587u * p[1] + 114u * p[2] + 500u) / 1000u;
}

static cimg_status run_write(write_context *ctx, const uint8_t *rgba, uint32_t width,
                             uint32_t height, int color_type, int bit_depth, int interlaced,
                             cimg_error *error) {
    const int channels = color_type == PNG_COLOR_TYPE_GRAY ? 1
        : color_type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
        : color_type == PNG_COLOR_TYPE_RGB ? 3
        : color_type == PNG_COLOR_TYPE_RGB_ALPHA ? 4
        : 1;
    const int bytes_per_sample = bit_depth == 16 ? 2 : 1;
    const unsigned max_value = (1u << bit_depth) - 1u;
    const size_t row_bytes = (size_t)width * (size_t)channels * (size_t)bytes_per_sample;
    png_color palette[256];
    png_byte alpha[256];
    int palette_size = 0, has_transparency = 0;
    uint32_t x, y;

    if (setjmp(png_jmpbuf(ctx->png))) {
        return cimg_fail(error, ctx->oom ? CIMG_ERR_NO_MEMORY : CIMG_ERR_ENCODE, "%s", ctx->message);
    }
    png_set_write_fn(ctx->png, ctx, write_bytes, flush_bytes);
    png_set_IHDR(ctx->png, ctx->info, width, height, bit_depth, color_type,
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);

    ctx->samples = malloc(row_bytes * height);
    ctx->rows = malloc(sizeof(png_bytep) * height);
    if (ctx->samples == NULL || ctx->rows == NULL) {
        return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot allocate rows");
    }
    for (y = 0; y < height; y++) {
        uint8_t *row = ctx->samples + row_bytes * y;
        ctx->rows[y] = row;
        for (x = 0; x < width; x++) {
            const uint8_t *p = rgba + ((size_t)y * width + x) * 4;
            unsigned values[4];
            int c;
            if (color_type == PNG_COLOR_TYPE_PALETTE) {
                int index;
                for (index = 0; index < palette_size; index++) {
                    if (palette[index].red == p[0] && palette[index].green == p[1]
                        && palette[index].blue == p[2] && alpha[index] == p[3]) break;
                }
                if (index == palette_size) {
                    if (palette_size <= (int)max_value && palette_size < 256) {
                        palette[index].red = p[0];
                        palette[index].green = p[1];
                        palette[index].blue = p[2];
                        alpha[index] = p[3];
                        palette_size++;
                        if (p[3] != 255) has_transparency = 1;
                    } else {
                        index = palette_size - 1;
                    }
                }
                row[x] = (uint8_t)index;
                continue;
            }
            if (channels <= 2) {
                values[0] = luma(p);
                values[1] = p[3];
            } else {
                values[0] = p[0];
                values[1] = p[1];
                values[2] = p[2];
                values[3] = p[3];
            }
            for (c = 0; c < channels; c++) {
                /* Scale 0...255 to 0...max_value. */
                unsigned v = (values[c] * max_value + 127u) / 255u;
                if (bit_depth == 16) {
                    row[(x * channels + c) * 2] = (uint8_t)(v >> 8);
                    row[(x * channels + c) * 2 + 1] = (uint8_t)(v & 0xff);
                } else {
                    row[x * channels + c] = (uint8_t)v;
                }
            }
        }
    }
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        if (palette_size == 0) palette_size = 1;
        png_set_PLTE(ctx->png, ctx->info, palette, palette_size);
        if (has_transparency) png_set_tRNS(ctx->png, ctx->info, alpha, palette_size, NULL);
    }
    png_write_info(ctx->png, ctx->info);
    if (bit_depth < 8) png_set_packing(ctx->png);
    png_write_image(ctx->png, ctx->rows);
    png_write_end(ctx->png, ctx->info);
    return CIMG_OK;
}

cimg_status cimg_test_png_encode(const uint8_t *rgba, uint32_t width, uint32_t height,
                                 int color_type, int bit_depth, int interlaced,
                                 cimg_buffer *out, cimg_error *error) {
    write_context ctx;
    cimg_status status;
    cimg_clear(error);
    memset(out, 0, sizeof *out);
    if (width == 0 || height == 0) return cimg_fail(error, CIMG_ERR_ARGUMENT, "empty image");
    memset(&ctx, 0, sizeof ctx);
    ctx.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    if (ctx.png == NULL) return cimg_fail(error, CIMG_ERR_NO_MEMORY, "png_create_write_struct");
    ctx.info = png_create_info_struct(ctx.png);
    if (ctx.info == NULL) {
        png_destroy_write_struct(&ctx.png, NULL);
        return cimg_fail(error, CIMG_ERR_NO_MEMORY, "png_create_info_struct");
    }
    status = run_write(&ctx, rgba, width, height, color_type, bit_depth, interlaced, error);
    png_destroy_write_struct(&ctx.png, &ctx.info);
    free(ctx.samples);
    free(ctx.rows);
    if (status != CIMG_OK) {
        free(ctx.bytes);
        return status;
    }
    out->bytes = ctx.bytes;
    out->size = ctx.size;
    return CIMG_OK;
}
