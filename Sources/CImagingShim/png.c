/*
 * libpng decoding through its simplified API, which catches its own errors (no setjmp here)
 * and reports them in image.message.
 */
#include "internal.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

static cimg_status png_failure(png_image *image, cimg_error *error) {
    const char *message = image->message[0] != '\0' ? image->message : "unknown libpng error";
    /* libpng's memory reader says "read beyond end of data" when the file ends early. */
    cimg_status code = strstr(message, "end of data") != NULL || strstr(message, "Not enough") != NULL
        ? CIMG_ERR_TRUNCATED
        : CIMG_ERR_CORRUPT;
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

cimg_status cimg_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                            cimg_image *out, cimg_error *error) {
    static const png_color white = {255, 255, 255};
    png_image image;
    cimg_status status;
    cimg_clear(error);
    memset(out, 0, sizeof *out);
    status = begin(&image, data, size, error);
    if (status != CIMG_OK) return status;
    if ((uint64_t)image.width * (uint64_t)image.height > max_pixels) {
        png_image_free(&image);
        return cimg_fail(error, CIMG_ERR_LIMIT, "%ux%u exceeds %llu pixels", image.width,
                         image.height, (unsigned long long)max_pixels);
    }
    image.format = PNG_FORMAT_RGB;
    status = cimg_image_alloc(image.width, image.height, out, error);
    if (status != CIMG_OK) {
        png_image_free(&image);
        return status;
    }
    if (!png_image_finish_read(&image, &white, out->pixels, 0, NULL)) {
        cimg_image_free(out);
        return png_failure(&image, error);
    }
    png_image_free(&image);
    return CIMG_OK;
}
