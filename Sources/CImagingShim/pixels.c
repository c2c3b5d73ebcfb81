/* Pixel work in C, where it is fast even in debug builds: resampling and orientation. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Catmull-Rom cubic (a = -0.5), the filter Pillow calls BICUBIC. Support 2. */
static double cubic(double x) {
    const double a = -0.5;
    x = fabs(x);
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
    return 0.0;
}

/* For each output position: the first source index, how many taps, and normalized weights
 * (taps per position at most `taps`). The filter stretches by the reduction factor, so every
 * source pixel contributes when downscaling. */
typedef struct {
    int *first;
    int *count;
    float *weights;
    int taps;
} kernel;

static void kernel_free(kernel *k) {
    free(k->first);
    free(k->count);
    free(k->weights);
    memset(k, 0, sizeof *k);
}

static int kernel_make(uint32_t in_size, uint32_t out_size, kernel *k) {
    const double scale = (double)in_size / (double)out_size;
    const double filter_scale = scale > 1.0 ? scale : 1.0;
    const double support = 2.0 * filter_scale;
    uint32_t i;
    memset(k, 0, sizeof *k);
    k->taps = (int)ceil(support) * 2 + 1;
    k->first = malloc(sizeof(int) * out_size);
    k->count = malloc(sizeof(int) * out_size);
    k->weights = malloc(sizeof(float) * (size_t)out_size * (size_t)k->taps);
    if (k->first == NULL || k->count == NULL || k->weights == NULL) {
        kernel_free(k);
        return 0;
    }
    for (i = 0; i < out_size; i++) {
        const double center = ((double)i + 0.5) * scale;
        double total = 0.0;
        int lo = (int)floor(center - support + 0.5);
        int hi = (int)floor(center + support + 0.5);
        int j, n;
        float *w = k->weights + (size_t)i * (size_t)k->taps;
        if (lo < 0) lo = 0;
        if (hi > (int)in_size) hi = (int)in_size;
        n = hi - lo;
        if (n > k->taps) n = k->taps;
        if (n < 1) { /* cannot happen for in_size >= 1, kept as a guard */
            lo = (int)(center < (double)in_size ? center : (double)in_size - 1.0);
            n = 1;
            w[0] = 1.0f;
            total = 1.0;
        } else {
            for (j = 0; j < n; j++) {
                double v = cubic(((double)(lo + j) - center + 0.5) / filter_scale);
                w[j] = (float)v;
                total += v;
            }
        }
        if (total == 0.0) total = 1.0;
        for (j = 0; j < n; j++) w[j] = (float)(w[j] / total);
        k->first[i] = lo;
        k->count[i] = n;
    }
    return 1;
}

/* The resampling loops, compiled twice on x86-64 Linux (AVX2 and baseline SSE2) with the
 * loader picking one at start-up: AVX2 takes a 600x800 to 150x200 reduction from about 1.9 ms
 * to 1.4 ms. Elsewhere (no ifunc, other architectures) they are compiled once. */
#if defined(__x86_64__) && defined(__linux__)
#define CIMG_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CIMG_VECTOR_CLONES
#endif

static inline uint8_t clamp8(float v) {
    if (v <= 0.0f) return 0;
    if (v >= 255.0f) return 255;
    return (uint8_t)(v + 0.5f);
}

/* Vertical pass: src (w x src_h) -> dst (w x k.out rows), a whole row at a time so the inner
 * loop streams through memory and vectorizes. acc holds one row of floats. */
CIMG_VECTOR_CLONES
static void resize_vertical(const uint8_t *src, uint32_t w, const kernel *k, uint32_t out_h,
                            uint8_t *dst, float *acc) {
    const size_t row = (size_t)w * 3;
    uint32_t y;
    for (y = 0; y < out_h; y++) {
        const float *weights = k->weights + (size_t)y * (size_t)k->taps;
        uint8_t *out = dst + (size_t)y * row;
        size_t i;
        int j;
        for (i = 0; i < row; i++) acc[i] = 0.0f;
        for (j = 0; j < k->count[y]; j++) {
            const uint8_t *in = src + (size_t)(k->first[y] + j) * row;
            const float weight = weights[j];
            for (i = 0; i < row; i++) acc[i] += weight * (float)in[i];
        }
        for (i = 0; i < row; i++) out[i] = clamp8(acc[i]);
    }
}

/* Horizontal pass: src (src_w x h) -> dst (out_w x h). */
CIMG_VECTOR_CLONES
static void resize_horizontal(const uint8_t *src, uint32_t src_w, uint32_t h, const kernel *k,
                              uint32_t out_w, uint8_t *dst) {
    uint32_t x, y;
    for (y = 0; y < h; y++) {
        const uint8_t *in = src + (size_t)y * src_w * 3;
        uint8_t *out = dst + (size_t)y * out_w * 3;
        for (x = 0; x < out_w; x++) {
            const float *weights = k->weights + (size_t)x * (size_t)k->taps;
            const uint8_t *p = in + (size_t)k->first[x] * 3;
            float r = 0.0f, g = 0.0f, b = 0.0f;
            int j;
            for (j = 0; j < k->count[x]; j++, p += 3) {
                r += weights[j] * (float)p[0];
                g += weights[j] * (float)p[1];
                b += weights[j] * (float)p[2];
            }
            out[3 * x] = clamp8(r);
            out[3 * x + 1] = clamp8(g);
            out[3 * x + 2] = clamp8(b);
        }
    }
}

cimg_status cimg_resize(const cimg_image *image, uint32_t width, uint32_t height,
                        cimg_image *out, cimg_error *error) {
    kernel kx, ky;
    cimg_image tmp;
    float *acc;
    cimg_status status;
    cimg_clear(error);
    memset(out, 0, sizeof *out);
    if (image->pixels == NULL || image->width == 0 || image->height == 0 || width == 0 || height == 0) {
        return cimg_fail(error, CIMG_ERR_ARGUMENT, "cannot resize %ux%u to %ux%u",
                         image->width, image->height, width, height);
    }
    status = cimg_image_alloc(width, height, out, error);
    if (status != CIMG_OK) return status;
    if (width == image->width && height == image->height) {
        memcpy(out->pixels, image->pixels, (size_t)width * height * 3);
        return CIMG_OK;
    }
    /* Vertical first: the vectorized pass does the bulk of the work on a reduction. */
    status = cimg_image_alloc(image->width, height, &tmp, error);
    if (status != CIMG_OK) {
        cimg_image_free(out);
        return status;
    }
    acc = malloc(sizeof(float) * (size_t)image->width * 3);
    if (acc == NULL || !kernel_make(image->width, width, &kx)) {
        free(acc);
        cimg_image_free(&tmp);
        cimg_image_free(out);
        return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot allocate a kernel");
    }
    if (!kernel_make(image->height, height, &ky)) {
        free(acc);
        kernel_free(&kx);
        cimg_image_free(&tmp);
        cimg_image_free(out);
        return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot allocate a kernel");
    }
    resize_vertical(image->pixels, image->width, &ky, height, tmp.pixels, acc);
    resize_horizontal(tmp.pixels, image->width, height, &kx, width, out->pixels);
    free(acc);
    kernel_free(&kx);
    kernel_free(&ky);
    cimg_image_free(&tmp);
    return CIMG_OK;
}

cimg_status cimg_orient(const cimg_image *image, int orientation, cimg_image *out,
                        cimg_error *error) {
    const uint32_t w = image->width, h = image->height;
    const int transposed = orientation >= 5;
    cimg_status status;
    uint32_t x, y;
    cimg_clear(error);
    memset(out, 0, sizeof *out);
    if (image->pixels == NULL || w == 0 || h == 0 || orientation < 1 || orientation > 8) {
        return cimg_fail(error, CIMG_ERR_ARGUMENT, "cannot apply orientation %d to %ux%u",
                         orientation, w, h);
    }
    status = cimg_image_alloc(transposed ? h : w, transposed ? w : h, out, error);
    if (status != CIMG_OK) return status;
    for (y = 0; y < out->height; y++) {
        uint8_t *dst = out->pixels + (size_t)y * out->width * 3;
        for (x = 0; x < out->width; x++) {
            uint32_t sx, sy;
            const uint8_t *p;
            switch (orientation) {
            case 2: sx = w - 1 - x; sy = y; break;
            case 3: sx = w - 1 - x; sy = h - 1 - y; break;
            case 4: sx = x; sy = h - 1 - y; break;
            case 5: sx = y; sy = x; break;
            case 6: sx = y; sy = h - 1 - x; break;
            case 7: sx = w - 1 - y; sy = h - 1 - x; break;
            case 8: sx = w - 1 - y; sy = x; break;
            default: sx = x; sy = y; break;
            }
            p = image->pixels + ((size_t)sy * w + sx) * 3;
            dst[3 * x] = p[0];
            dst[3 * x + 1] = p[1];
            dst[3 * x + 2] = p[2];
        }
    }
    return CIMG_OK;
}
