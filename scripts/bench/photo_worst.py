"""The worst inputs the default policy accepts, for peak-memory measurements.

Each is the largest of its kind under the size limit (716,800 bytes) and the pixel limit (40 MP),
with smooth content so that it fits: a baseline JPEG of 40 MP (streams, DCT-scaled 1/8), a
progressive JPEG just under the coefficient budget (8 MP, 4:2:0: 23,970,816 of 25,165,824 bytes), a progressive JPEG of 40 MP (refused
by that budget: its coefficients alone would take 120 MB), and 40 MP PNGs, plain and Adam7
interlaced (Pillow cannot write interlaced PNG: pypng, pure Python, does).

Usage: python photo_worst.py DIR   (writes one sub-directory per input, one file in each)
"""
import io
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

LIMIT = 716_800


def smooth(width, height):
    """A soft portrait-like picture: vertical gradient, a few flat shapes, mild blur."""
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.ellipse([width * 0.3, height * 0.2, width * 0.7, height * 0.66], fill=(200, 160, 130))
    draw.ellipse([width * 0.1, height * 0.62, width * 0.9, height * 1.3], fill=(40, 60, 120))
    draw.rectangle([0, 0, width * 0.15, height * 0.4], fill=(90, 140, 90))
    return img


def jpeg_under_limit(img, **options):
    for quality in range(90, 5, -5):
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality, **options)
        if len(out.getvalue()) <= LIMIT:
            return out.getvalue()
    raise RuntimeError("no quality fits")


def write(directory, name, data):
    os.makedirs(os.path.join(directory, name), exist_ok=True)
    path = os.path.join(directory, name, name.split("-", 1)[1] + (".png" if "png" in name else ".jpg"))
    with open(path, "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes")


def main():
    directory = sys.argv[1]
    big = smooth(5472, 7296)  # 39.9 MP, 3:4
    write(directory, "1-jpeg-baseline-40mp", jpeg_under_limit(big, subsampling=2))
    write(directory, "2-jpeg-progressive-8mp",
          jpeg_under_limit(smooth(2448, 3264), subsampling=2, progressive=True))
    write(directory, "3-jpeg-progressive-40mp", jpeg_under_limit(big, subsampling=2, progressive=True))
    out = io.BytesIO()
    big.save(out, "PNG", optimize=True)
    write(directory, "4-png-40mp", out.getvalue())
    try:
        import png  # pypng
    except ImportError:
        print("5-png-interlaced-40mp: skipped (pypng not installed)")
        return
    rows = np.asarray(big).reshape(big.height, big.width * 3)
    out = io.BytesIO()
    png.Writer(big.width, big.height, greyscale=False, interlace=True, compression=9).write(out, rows)
    write(directory, "5-png-interlaced-40mp", out.getvalue())


if __name__ == "__main__":
    main()
