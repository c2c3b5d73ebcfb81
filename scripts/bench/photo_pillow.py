"""The photo benchmark's peer: Pillow doing what PhotoChecker.check does, as a careful user would.

For each photo: open it, read the EXIF orientation, `draft('RGB', size)` so libjpeg decodes at
the smallest DCT scale that still covers the profile variant, `ImageOps.exif_transpose`, then
the profile (fit 600x800) and, from it, the thumbnail (fit 150x200) with `resize(BICUBIC)`,
both saved as progressive, optimized JPEG at quality 85 with no metadata (Pillow writes EXIF
only when asked). Each round reads every file from disk (page cache), as the engine's bench does.

Usage: python photo_pillow.py DIR ROUNDS
Last line: RESULT photos=N wall_s=.. cpu_s=.. peak_rss_mb=.. (times of the best round by CPU)
"""
import io
import os
import resource
import sys
import time

from PIL import Image, ImageOps

PROFILE = (600, 800)
THUMBNAIL = (150, 200)


def fitting(size, box):
    """The same rule as PixelSize.fitting(in:): aspect kept, never enlarged, rounded."""
    w, h = size
    if w <= box[0] and h <= box[1]:
        return size
    factor = min(box[0] / w, box[1] / h)
    return (min(box[0], max(1, round(w * factor))), min(box[1], max(1, round(h * factor))))


def jpeg(img):
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, progressive=True, optimize=True)
    return out.getvalue()


def process(path):
    with Image.open(path) as im:
        orientation = im.getexif().get(0x0112, 1)
        swapped = orientation in (5, 6, 7, 8)
        upright = (im.height, im.width) if swapped else im.size
        profile_size = fitting(upright, PROFILE)
        stored_target = profile_size[::-1] if swapped else profile_size
        if im.format == "JPEG":
            im.draft("RGB", stored_target)
        im = ImageOps.exif_transpose(im)
        if im.mode != "RGB":
            im = im.convert("RGB")
        profile = im.resize(profile_size, Image.BICUBIC)
        thumbnail = profile.resize(fitting(profile_size, THUMBNAIL), Image.BICUBIC)
        return len(jpeg(profile)) + len(jpeg(thumbnail))


def main():
    directory, rounds = sys.argv[1], int(sys.argv[2])
    files = sorted(os.path.join(directory, f) for f in os.listdir(directory)
                   if f.lower().endswith((".jpg", ".jpeg", ".png")))
    best = None
    for round_number in range(1, rounds + 1):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        output = sum(process(f) for f in files)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        print(f"ronda {round_number}: Pillow {len(files) / wall:.2f} fotos/s "
              f"(CPU {len(files) / cpu:.2f} fotos/s); salida {output // len(files) // 1024} KB por foto")
        if best is None or cpu < best[1]:
            best = (wall, cpu)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RESULT photos={len(files)} wall_s={best[0]} cpu_s={best[1]} peak_rss_mb={peak:.1f}")


if __name__ == "__main__":
    main()
