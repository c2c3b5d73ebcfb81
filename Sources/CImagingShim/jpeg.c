/*
 * libjpeg-turbo decoding and encoding.
 *
 * The pattern, used for every entry point: the public function owns the libjpeg object and
 * every buffer (in a context struct in its own frame) and does all clean-up; a static "run"
 * function does the setjmp and the library calls. State that must survive a longjmp therefore
 * never lives in the frame that called setjmp (C11 7.13.2.1), so nothing needs `volatile`.
 */
#include "internal.h"
#include "jpeg_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Shared error manager ---------------------------------------------------------------- */

static void shim_error_exit(j_common_ptr cinfo) {
    cimg_jpeg_error_mgr *mgr = (cimg_jpeg_error_mgr *)cinfo->err;
    longjmp(mgr->jump, 1);
}

/* Warnings (level -1) abort at once, as TurboJPEG's "stop on warning" does: a truncated or
 * damaged file decodes "successfully" otherwise. Trace messages (level >= 0) are ignored. */
static void shim_emit_message(j_common_ptr cinfo, int level) {
    cimg_jpeg_error_mgr *mgr = (cimg_jpeg_error_mgr *)cinfo->err;
    if (level < 0) {
        mgr->pub.num_warnings++;
        mgr->warning = 1;
        longjmp(mgr->jump, 1);
    }
}

static void shim_output_message(j_common_ptr cinfo) {
    (void)cinfo; /* never print */
}

/* Refuses a JPEG with an unreasonable number of progressive scans (each scan costs a pass over
 * the whole coefficient buffer, so a scan flood is a CPU bomb), as libjpeg.txt suggests. */
static void shim_progress_monitor(j_common_ptr cinfo) {
    if (cinfo->is_decompressor) {
        j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;
        if (dinfo->input_scan_number > CIMG_JPEG_MAX_SCANS) {
            cimg_jpeg_error_mgr *mgr = (cimg_jpeg_error_mgr *)cinfo->err;
            mgr->limit = 1;
            longjmp(mgr->jump, 1);
        }
    }
}

struct jpeg_error_mgr *cimg_jpeg_error_init(cimg_jpeg_error_mgr *mgr) {
    memset(mgr, 0, sizeof *mgr);
    jpeg_std_error(&mgr->pub);
    mgr->pub.error_exit = shim_error_exit;
    mgr->pub.emit_message = shim_emit_message;
    mgr->pub.output_message = shim_output_message;
    mgr->progress.progress_monitor = shim_progress_monitor;
    return &mgr->pub;
}

cimg_status cimg_jpeg_error_report(j_common_ptr cinfo, cimg_jpeg_error_mgr *mgr, cimg_error *error) {
    char text[JMSG_LENGTH_MAX];
    cimg_status code;
    if (mgr->limit) {
        return cimg_fail(error, CIMG_ERR_LIMIT, "more than %d progressive scans", CIMG_JPEG_MAX_SCANS);
    }
    text[0] = '\0';
    mgr->pub.format_message(cinfo, text);
    if (mgr->warning) {
        code = mgr->pub.msg_code == JWRN_JPEG_EOF ? CIMG_ERR_TRUNCATED : CIMG_ERR_WARNING;
    } else if (mgr->pub.msg_code == JERR_OUT_OF_MEMORY) {
        code = CIMG_ERR_NO_MEMORY;
    } else if (mgr->pub.msg_code == JERR_INPUT_EOF || mgr->pub.msg_code == JERR_INPUT_EMPTY) {
        code = CIMG_ERR_TRUNCATED;
    } else if (mgr->pub.msg_code == JERR_IMAGE_TOO_BIG || mgr->pub.msg_code == JERR_NO_BACKING_STORE) {
        code = CIMG_ERR_LIMIT;
    } else {
        code = CIMG_ERR_CORRUPT;
    }
    return cimg_fail(error, code, "%s", text);
}

/* ---- Header -------------------------------------------------------------------------------- */

typedef struct {
    struct jpeg_decompress_struct cinfo;
    cimg_jpeg_error_mgr err;
    int created;
    uint8_t *row;
    uint8_t *pixels;
} decode_context;

static int32_t color_space_code(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return CIMG_JPEG_COLOR_GRAYSCALE;
    case JCS_RGB: return CIMG_JPEG_COLOR_RGB;
    case JCS_YCbCr: return CIMG_JPEG_COLOR_YCBCR;
    case JCS_CMYK: return CIMG_JPEG_COLOR_CMYK;
    case JCS_YCCK: return CIMG_JPEG_COLOR_YCCK;
    default: return CIMG_JPEG_COLOR_UNKNOWN;
    }
}

/* Call after setjmp; the error manager must already be set up (its init clears the jmp_buf). */
static cimg_status start_reading(decode_context *ctx, const uint8_t *data, size_t size) {
    jpeg_create_decompress(&ctx->cinfo);
    ctx->created = 1;
    ctx->cinfo.progress = &ctx->err.progress;
    jpeg_mem_src(&ctx->cinfo, data, (unsigned long)size);
    (void)jpeg_read_header(&ctx->cinfo, TRUE);
    return CIMG_OK;
}

/* What jdcoefct.c allocates for a multi-scan file: every component's blocks, rounded up to
 * whole MCUs, at sizeof(JBLOCK) = 128 bytes. Valid once jpeg_read_header reached the first SOS. */
static uint64_t coefficient_bytes(const struct jpeg_decompress_struct *cinfo) {
    uint64_t total = 0;
    int ci;
    if (!cinfo->progressive_mode && cinfo->comps_in_scan >= cinfo->num_components) return 0;
    for (ci = 0; ci < cinfo->num_components; ci++) {
        const jpeg_component_info *comp = &cinfo->comp_info[ci];
        const uint64_t h = (uint64_t)comp->h_samp_factor, v = (uint64_t)comp->v_samp_factor;
        const uint64_t wide = ((uint64_t)comp->width_in_blocks + h - 1) / h * h;
        const uint64_t tall = ((uint64_t)comp->height_in_blocks + v - 1) / v * v;
        total += wide * tall * sizeof(JBLOCK);
    }
    return total;
}

static cimg_status run_read_info(decode_context *ctx, const uint8_t *data, size_t size,
                                 cimg_jpeg_info *info, cimg_error *error) {
    ctx->cinfo.err = cimg_jpeg_error_init(&ctx->err);
    if (setjmp(ctx->err.jump)) {
        return cimg_jpeg_error_report((j_common_ptr)&ctx->cinfo, &ctx->err, error);
    }
    start_reading(ctx, data, size);
    info->width = ctx->cinfo.image_width;
    info->height = ctx->cinfo.image_height;
    info->components = ctx->cinfo.num_components;
    info->color_space = color_space_code(ctx->cinfo.jpeg_color_space);
    info->progressive = ctx->cinfo.progressive_mode ? 1 : 0;
    info->coefficient_bytes = coefficient_bytes(&ctx->cinfo);
    return CIMG_OK;
}

cimg_status cimg_jpeg_read_info(const uint8_t *data, size_t size, cimg_jpeg_info *info,
                                cimg_error *error) {
    decode_context ctx;
    cimg_status status;
    cimg_clear(error);
    memset(info, 0, sizeof *info);
    if (size == 0) return cimg_fail(error, CIMG_ERR_TRUNCATED, "empty input");
    memset(&ctx, 0, sizeof ctx);
    status = run_read_info(&ctx, data, size, info, error);
    if (ctx.created) jpeg_destroy_decompress(&ctx.cinfo);
    return status;
}

/* ---- Decoding ------------------------------------------------------------------------------ */

static inline uint8_t mul255(unsigned a, unsigned b) {
    return (uint8_t)((a * b + 127) / 255);
}

static void cmyk_row_to_rgb(const uint8_t *cmyk, uint8_t *rgb, uint32_t width, int inverted) {
    uint32_t x;
    for (x = 0; x < width; x++) {
        unsigned c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];
        if (!inverted) {
            c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k;
        }
        /* Adobe stores inverted values: 255 means no ink. */
        rgb[0] = mul255(c, k);
        rgb[1] = mul255(m, k);
        rgb[2] = mul255(y, k);
        cmyk += 4;
        rgb += 3;
    }
}

static cimg_status run_decode(decode_context *ctx, const uint8_t *data, size_t size,
                              uint32_t min_width, uint32_t min_height, size_t max_memory,
                              cimg_image *out, cimg_error *error) {
    struct jpeg_decompress_struct *cinfo = &ctx->cinfo;
    int cmyk;
    unsigned scale;
    size_t total;

    cinfo->err = cimg_jpeg_error_init(&ctx->err);
    if (setjmp(ctx->err.jump)) {
        return cimg_jpeg_error_report((j_common_ptr)cinfo, &ctx->err, error);
    }
    start_reading(ctx, data, size);
    if (max_memory > 0) cinfo->mem->max_memory_to_use = (long)max_memory;

    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_RGB:
    case JCS_YCbCr:
        cinfo->out_color_space = JCS_RGB;
        cmyk = 0;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;
        cmyk = 1;
        break;
    default:
        return cimg_fail(error, CIMG_ERR_CORRUPT, "unsupported JPEG colour space %d",
                         (int)cinfo->jpeg_color_space);
    }

    /* The smallest DCT scale n/8 whose output still covers the requested size. */
    for (scale = 1; scale <= 8; scale++) {
        cinfo->scale_num = scale;
        cinfo->scale_denom = 8;
        jpeg_calc_output_dimensions(cinfo);
        if (cinfo->output_width >= min_width && cinfo->output_height >= min_height) break;
    }
    if (scale > 8) {
        cinfo->scale_num = 1;
        cinfo->scale_denom = 1;
    }

    (void)jpeg_start_decompress(cinfo);
    if (cinfo->output_components != (cmyk ? 4 : 3)) {
        return cimg_fail(error, CIMG_ERR_CORRUPT, "unexpected %d output components",
                         cinfo->output_components);
    }
    if (!cimg_mul3(cinfo->output_width, cinfo->output_height, 3, &total)) {
        return cimg_fail(error, CIMG_ERR_LIMIT, "image too large");
    }
    ctx->pixels = malloc(total);
    if (ctx->pixels == NULL) return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot allocate %zu bytes", total);
    if (cmyk) {
        ctx->row = malloc((size_t)cinfo->output_width * 4);
        if (ctx->row == NULL) return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot allocate a row");
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        uint8_t *target = ctx->pixels + (size_t)cinfo->output_scanline * cinfo->output_width * 3;
        JSAMPROW row = cmyk ? ctx->row : target;
        if (jpeg_read_scanlines(cinfo, &row, 1) != 1) {
            return cimg_fail(error, CIMG_ERR_TRUNCATED, "no scanline returned");
        }
        if (cmyk) cmyk_row_to_rgb(ctx->row, target, cinfo->output_width, cinfo->saw_Adobe_marker);
    }
    (void)jpeg_finish_decompress(cinfo);
    if (cinfo->err->num_warnings > 0) {
        return cimg_fail(error, CIMG_ERR_WARNING, "decoder warnings");
    }
    out->pixels = ctx->pixels;
    out->width = cinfo->output_width;
    out->height = cinfo->output_height;
    ctx->pixels = NULL;
    return CIMG_OK;
}

cimg_status cimg_jpeg_decode(const uint8_t *data, size_t size, uint32_t min_width,
                             uint32_t min_height, size_t max_memory, cimg_image *out,
                             cimg_error *error) {
    decode_context ctx;
    cimg_status status;
    cimg_clear(error);
    memset(out, 0, sizeof *out);
    if (size == 0) return cimg_fail(error, CIMG_ERR_TRUNCATED, "empty input");
    memset(&ctx, 0, sizeof ctx);
    status = run_decode(&ctx, data, size, min_width, min_height, max_memory, out, error);
    if (ctx.created) jpeg_destroy_decompress(&ctx.cinfo);
    free(ctx.row);
    free(ctx.pixels);
    return status;
}

/* ---- Encoding ------------------------------------------------------------------------------ */

/* A growable malloc'd destination. libjpeg's jpeg_mem_dest only publishes its buffer pointer at
 * the end, so after an error mid-way the caller cannot free it safely; this one keeps the
 * pointer in the caller-owned context at all times. */
typedef struct {
    struct jpeg_destination_mgr pub;
    uint8_t *bytes;
    size_t capacity;
    size_t size;
} growable_destination;

typedef struct {
    struct jpeg_compress_struct cinfo;
    cimg_jpeg_error_mgr err;
    growable_destination dest;
    int created;
    uint8_t *row;
} encode_context;

static void dest_init(j_compress_ptr cinfo) {
    growable_destination *dest = (growable_destination *)cinfo->dest;
    dest->pub.next_output_byte = dest->bytes;
    dest->pub.free_in_buffer = dest->capacity;
}

static boolean dest_empty(j_compress_ptr cinfo) {
    growable_destination *dest = (growable_destination *)cinfo->dest;
    size_t capacity = dest->capacity * 2;
    uint8_t *bytes = realloc(dest->bytes, capacity);
    if (bytes == NULL) {
        cinfo->err->msg_code = JERR_OUT_OF_MEMORY;
        cinfo->err->error_exit((j_common_ptr)cinfo);
    }
    dest->pub.next_output_byte = bytes + dest->capacity;
    dest->pub.free_in_buffer = capacity - dest->capacity;
    dest->bytes = bytes;
    dest->capacity = capacity;
    return TRUE;
}

static void dest_term(j_compress_ptr cinfo) {
    growable_destination *dest = (growable_destination *)cinfo->dest;
    dest->size = dest->capacity - dest->pub.free_in_buffer;
}

/* The progressive scan script for YCbCr output: spectral selection only (DC of all components
 * first, then the lowest luma frequencies for an early preview, chroma, and the rest of luma),
 * without the successive-approximation refinement scans of jpeg_simple_progression. It still
 * makes a progressive JPEG (SOF2) that browsers show coarse-to-fine, and it halves the encoding
 * time (refinement scans are the costly part of progressive Huffman optimization: about 10 ms
 * to 5 ms for a 600x800 variant of a noisy photo) for files about 1% larger. */
static const jpeg_scan_info spectral_scans[] = {
    {3, {0, 1, 2}, 0, 0, 0, 0},
    {1, {0}, 1, 5, 0, 0},
    {1, {2}, 1, 63, 0, 0},
    {1, {1}, 1, 63, 0, 0},
    {1, {0}, 6, 63, 0, 0},
};

/* Values of run_encode's `progressive`: test fixtures keep libjpeg's full script (refinement
 * scans included) so the decoder's tests see every kind of progressive file. */
enum { PROGRESSIVE_NONE = 0, PROGRESSIVE_FULL = 1, PROGRESSIVE_SPECTRAL = 2 };

/* Shared by the production encoder and the test fixture writer. */
cimg_status cimg_jpeg_encode_layout(const cimg_image *image, int layout, int quality,
                                    int progressive, const uint8_t *app1, size_t app1_size,
                                    cimg_buffer *out, cimg_error *error);

static cimg_status run_encode(encode_context *ctx, const cimg_image *image, int layout,
                              int quality, int progressive, const uint8_t *app1, size_t app1_size,
                              cimg_error *error) {
    struct jpeg_compress_struct *cinfo = &ctx->cinfo;
    const uint32_t width = image->width;
    int components;

    cinfo->err = cimg_jpeg_error_init(&ctx->err);
    if (setjmp(ctx->err.jump)) {
        return cimg_jpeg_error_report((j_common_ptr)cinfo, &ctx->err, error);
    }
    jpeg_create_compress(cinfo);
    ctx->created = 1;
    ctx->dest.capacity = 16384 + (size_t)image->width * image->height / 4;
    ctx->dest.bytes = malloc(ctx->dest.capacity);
    if (ctx->dest.bytes == NULL) return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot allocate output");
    ctx->dest.pub.init_destination = dest_init;
    ctx->dest.pub.empty_output_buffer = dest_empty;
    ctx->dest.pub.term_destination = dest_term;
    cinfo->dest = &ctx->dest.pub;

    cinfo->image_width = image->width;
    cinfo->image_height = image->height;
    switch (layout) {
    case CIMG_TEST_JPEG_GRAYSCALE:
        components = 1;
        cinfo->in_color_space = JCS_GRAYSCALE;
        break;
    case CIMG_TEST_JPEG_CMYK:
    case CIMG_TEST_JPEG_YCCK:
        components = 4;
        cinfo->in_color_space = JCS_CMYK;
        break;
    default:
        components = 3;
        cinfo->in_color_space = JCS_RGB;
        break;
    }
    cinfo->input_components = components;
    jpeg_set_defaults(cinfo);
    if (layout == CIMG_TEST_JPEG_YCCK) jpeg_set_colorspace(cinfo, JCS_YCCK);
    jpeg_set_quality(cinfo, quality, TRUE);
    cinfo->optimize_coding = TRUE;
    if (progressive == PROGRESSIVE_SPECTRAL && cinfo->jpeg_color_space == JCS_YCbCr) {
        cinfo->scan_info = spectral_scans;
        cinfo->num_scans = (int)(sizeof spectral_scans / sizeof spectral_scans[0]);
    } else if (progressive) {
        jpeg_simple_progression(cinfo);
    }

    if (components != 3) {
        ctx->row = malloc((size_t)width * 4);
        if (ctx->row == NULL) return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot allocate a row");
    }
    jpeg_start_compress(cinfo, TRUE);
    if (app1 != NULL && app1_size > 0) {
        jpeg_write_marker(cinfo, JPEG_APP0 + 1, app1, (unsigned int)app1_size);
    }
    while (cinfo->next_scanline < cinfo->image_height) {
        const uint8_t *rgb = image->pixels + (size_t)cinfo->next_scanline * width * 3;
        JSAMPROW row;
        uint32_t x;
        if (components == 3) {
            row = (JSAMPROW)rgb;
        } else if (components == 1) {
            for (x = 0; x < width; x++) {
                const uint8_t *p = rgb + 3 * x;
                ctx->row[x] = (uint8_t)((299u * p[0] + 587u * p[1] + 114u * p[2] + 500u) / 1000u);
            }
            row = ctx->row;
        } else {
            /* RGB to Adobe-inverted CMYK: stored value = 255 - ink. */
            for (x = 0; x < width; x++) {
                const uint8_t *p = rgb + 3 * x;
                uint8_t *q = ctx->row + 4 * x;
                unsigned maxc = p[0] > p[1] ? p[0] : p[1];
                if (p[2] > maxc) maxc = p[2];
                if (maxc == 0) {
                    q[0] = q[1] = q[2] = 255;
                    q[3] = 0;
                } else {
                    q[0] = (uint8_t)((p[0] * 255u + maxc / 2) / maxc);
                    q[1] = (uint8_t)((p[1] * 255u + maxc / 2) / maxc);
                    q[2] = (uint8_t)((p[2] * 255u + maxc / 2) / maxc);
                    q[3] = (uint8_t)maxc;
                }
            }
            row = ctx->row;
        }
        (void)jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    return CIMG_OK;
}

cimg_status cimg_jpeg_encode_layout(const cimg_image *image, int layout, int quality,
                                    int progressive, const uint8_t *app1, size_t app1_size,
                                    cimg_buffer *out, cimg_error *error) {
    encode_context ctx;
    cimg_status status;
    cimg_clear(error);
    memset(out, 0, sizeof *out);
    if (image->pixels == NULL || image->width == 0 || image->height == 0
        || image->width > JPEG_MAX_DIMENSION || image->height > JPEG_MAX_DIMENSION) {
        return cimg_fail(error, CIMG_ERR_ARGUMENT, "cannot encode a %ux%u image",
                         image->width, image->height);
    }
    if (quality < 1 || quality > 100) {
        return cimg_fail(error, CIMG_ERR_ARGUMENT, "quality %d outside 1...100", quality);
    }
    if (app1_size > 65533) {
        return cimg_fail(error, CIMG_ERR_ARGUMENT, "APP1 payload of %zu bytes too long", app1_size);
    }
    memset(&ctx, 0, sizeof ctx);
    status = run_encode(&ctx, image, layout, quality, progressive, app1, app1_size, error);
    if (ctx.created) jpeg_destroy_compress(&ctx.cinfo);
    free(ctx.row);
    if (status != CIMG_OK) {
        free(ctx.dest.bytes);
        if (status == CIMG_ERR_CORRUPT) {
            error->code = CIMG_ERR_ENCODE;
            status = CIMG_ERR_ENCODE;
        }
        return status;
    }
    out->bytes = ctx.dest.bytes;
    out->size = ctx.dest.size;
    return CIMG_OK;
}

cimg_status cimg_jpeg_encode(const cimg_image *image, int quality, int progressive,
                             cimg_buffer *out, cimg_error *error) {
    return cimg_jpeg_encode_layout(image, CIMG_TEST_JPEG_YCBCR, quality,
                                   progressive ? PROGRESSIVE_SPECTRAL : PROGRESSIVE_NONE, NULL, 0,
                                   out, error);
}

cimg_status cimg_test_jpeg_encode(const cimg_image *image, int layout, int quality,
                                  int progressive, const uint8_t *app1, size_t app1_size,
                                  cimg_buffer *out, cimg_error *error) {
    return cimg_jpeg_encode_layout(image, layout, quality,
                                   progressive ? PROGRESSIVE_FULL : PROGRESSIVE_NONE, app1, app1_size,
                                   out, error);
}
