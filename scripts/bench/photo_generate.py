"""Generates the photo benchmark corpus: camera-like JPEGs of 600-690 KiB (about 2400x3200).

Each photo is deterministic (seeded by its index): a "scene" (light gradients, soft blobs,
hard-edged shapes, a head and shoulders) drawn at quarter size and upscaled, its top part
blurred (shallow depth of field), mid-frequency texture (fabric, hair, foliage) and per-pixel
luma and chroma sensor grain (cut at random offsets from a noise bank made once). It is saved as a
baseline 4:2:0 JPEG with an EXIF block (camera make and model, DateTimeOriginal, GPS, and an
Orientation tag), at the quality that lands the file within the size window; one photo in four
is stored landscape with Orientation 6, as phones write portrait shots.

Usage: python photo_generate.py DIR COUNT
"""
import io
import os
import sys

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

MIN_BYTES = 600 * 1024
MAX_BYTES = 690 * 1024
WIDTH, HEIGHT = 2400, 3200
VERSION = "6"


def scene(rng):
    """A smooth 600x800 scene: vertical light gradient, blobs and a few hard-edged shapes."""
    w, h = WIDTH // 4, HEIGHT // 4
    y = np.linspace(0.0, 1.0, h)[:, None]
    x = np.linspace(0.0, 1.0, w)[None, :]
    top = rng.uniform(60, 230, 3)
    bottom = rng.uniform(20, 200, 3)
    side = rng.uniform(-40, 40, 3)
    img = top * (1 - y[..., None]) + bottom * y[..., None] + side * x[..., None]
    img = np.broadcast_to(img, (h, w, 3)).copy()
    for _ in range(rng.integers(6, 14)):  # soft blobs: out-of-focus lights, foliage, faces
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(30, 220)
        colour = rng.uniform(-90, 90, 3)
        d2 = ((x * w - cx) ** 2 + (y * h - cy) ** 2) / (r * r)
        img += np.exp(-d2)[..., None] * colour
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(pil)
    for _ in range(rng.integers(4, 10)):  # hard edges: furniture, windows, clothing
        x0, y0 = rng.uniform(-50, w), rng.uniform(-50, h)
        x1, y1 = x0 + rng.uniform(40, 300), y0 + rng.uniform(40, 400)
        fill = tuple(int(v) for v in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x1, y1], fill=fill)
        else:
            draw.rectangle([x0, y0, x1, y1], fill=fill)
    # A "person": head and shoulders in the middle of the frame.
    skin = tuple(int(v) for v in rng.integers([150, 100, 70], [240, 190, 160]))
    cloth = tuple(int(v) for v in rng.integers(0, 200, 3))
    draw.ellipse([w * 0.1, h * 0.62, w * 0.9, h * 1.3], fill=cloth)
    draw.ellipse([w * 0.3, h * 0.2, w * 0.7, h * 0.66], fill=skin)
    return pil.filter(ImageFilter.GaussianBlur(1.5))


_BANK = {}
_MARGIN = 512


def noise(rng, size, sigma):
    """Gaussian noise around 128, cut at a random offset from a bank made once per sigma:
    Pillow's generator costs about a second per full-size layer."""
    w, h = size
    key = (w, h, sigma)
    if key not in _BANK:
        _BANK[key] = [Image.effect_noise((w + _MARGIN, h + _MARGIN), sigma) for _ in range(2)]
    layer = _BANK[key][int(rng.integers(0, 2))]
    x, y = int(rng.integers(0, _MARGIN)), int(rng.integers(0, _MARGIN))
    return layer.crop((x, y, x + w, y + h))


def photo(index, grain):
    """The full-size photo, built with Pillow's C operations on 8-bit images."""
    rng = np.random.default_rng(1000 + index)
    size = (WIDTH, HEIGHT)
    small = scene(rng)
    base = small.resize(size, Image.BICUBIC)
    # Shallow depth of field: the top of the frame (background) is blurred (at quarter size).
    blurred = small.filter(ImageFilter.GaussianBlur(1.5)).resize(size, Image.BICUBIC)
    mask = Image.linear_gradient("L").resize(size, Image.BILINEAR).point(
        lambda v: max(0, min(255, (v - 64) * 4)))
    img = Image.composite(base, blurred, mask)
    # Mid-frequency detail (fabric, hair, leaves): coarse noise upscaled.
    coarse = (WIDTH // 8, HEIGHT // 8)
    mid = Image.merge("RGB", [noise(rng, coarse, 20) for _ in range(3)])
    img = ImageChops.add(img, mid.resize(size, Image.BICUBIC), scale=1.0, offset=-128)
    # Sensor grain: luma (the same in every channel) and weaker chroma.
    luma = noise(rng, size, grain)
    img = ImageChops.add(img, Image.merge("RGB", [luma, luma, luma]), scale=1.0, offset=-128)
    chroma = Image.merge("RGB", [noise(rng, size, grain * 0.4) for _ in range(3)])
    return ImageChops.add(img, chroma, scale=1.0, offset=-128)


def exif_block(index, landscape):
    exif = Image.Exif()
    exif[0x010F] = "Motorola"  # Make
    exif[0x0110] = "moto g(60)"  # Model
    exif[0x0112] = 6 if landscape else 1  # Orientation
    exif[0x0131] = "bench-photo " + VERSION  # Software
    ifd = exif.get_ifd(0x8769)
    day = 1 + index % 28
    ifd[0x9003] = f"2024:02:{day:02d} 10:{index % 60:02d}:00"  # DateTimeOriginal
    ifd[0x9004] = ifd[0x9003]
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (20.0, 40.0, 12.5)
    gps[3], gps[4] = "W", (103.0, 21.0, 3.25)
    return exif.tobytes()


def encode(img, quality, exif):
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, subsampling=2, exif=exif, progressive=False)
    return out.getvalue()


_LAST_QUALITY = [75]


def fit(index):
    """Returns JPEG bytes within the window: a search on quality that starts from the previous
    photo's (neighbours fit at nearly the same one), grain adjusted when no quality fits."""
    landscape = index % 4 == 3
    exif = exif_block(index, landscape)
    grain = 2.0
    for _ in range(8):
        img = photo(index, grain)
        if landscape:
            img = img.transpose(Image.Transpose.ROTATE_90)  # stored sideways, Orientation 6
        q = _LAST_QUALITY[0]
        tried = {}
        while 40 <= q <= 95 and q not in tried:
            data = encode(img, q, exif)
            tried[q] = len(data)
            if len(data) > MAX_BYTES:
                q -= 1 if q - 1 in tried or len(data) < MAX_BYTES * 1.08 else 3
            elif len(data) < MIN_BYTES:
                q += 1 if q + 1 in tried or len(data) > MIN_BYTES * 0.92 else 3
            else:
                _LAST_QUALITY[0] = q
                return data
        grain = grain * 1.6 if q > 95 else grain / 1.6
    raise RuntimeError(f"photo {index}: no quality fits the size window")


def main():
    directory, count = sys.argv[1], int(sys.argv[2])
    os.makedirs(directory, exist_ok=True)
    for index in range(count):
        path = os.path.join(directory, f"photo-{index:03d}.jpg")
        if os.path.exists(path):
            continue
        data = fit(index)
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)
    with open(os.path.join(directory, "VERSION"), "w") as f:
        f.write(f"{VERSION} {count}\n")


if __name__ == "__main__":
    main()
