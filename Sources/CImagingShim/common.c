#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cimg_status cimg_fail(cimg_error *error, cimg_status code, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(error->message, sizeof error->message, format, args);
    va_end(args);
    error->code = (int32_t)code;
    return code;
}

void cimg_clear(cimg_error *error) {
    error->code = CIMG_OK;
    error->message[0] = '\0';
}

int cimg_mul3(size_t a, size_t b, size_t c, size_t *out) {
    size_t ab;
    if (__builtin_mul_overflow(a, b, &ab)) return 0;
    if (__builtin_mul_overflow(ab, c, out)) return 0;
    return 1;
}

cimg_status cimg_image_alloc(uint32_t width, uint32_t height, cimg_image *out, cimg_error *error) {
    size_t size;
    memset(out, 0, sizeof *out);
    if (width == 0 || height == 0) {
        return cimg_fail(error, CIMG_ERR_ARGUMENT, "empty image %ux%u", width, height);
    }
    if (!cimg_mul3(width, height, 3, &size)) {
        return cimg_fail(error, CIMG_ERR_LIMIT, "image %ux%u too large", width, height);
    }
    out->pixels = malloc(size);
    if (out->pixels == NULL) {
        return cimg_fail(error, CIMG_ERR_NO_MEMORY, "cannot allocate %zu bytes", size);
    }
    out->width = width;
    out->height = height;
    return CIMG_OK;
}

void cimg_image_free(cimg_image *image) {
    free(image->pixels);
    memset(image, 0, sizeof *image);
}

void cimg_buffer_free(cimg_buffer *buffer) {
    free(buffer->bytes);
    memset(buffer, 0, sizeof *buffer);
}
