"""Peak memory and time of normalising one large upload (``uploads.normalise_upload``), in a fresh
process each run: ``python bench/upload_memory.py [SIDE]`` prints the growth of the process's peak
resident set (ru_maxrss) over the baseline after imports, and the seconds it took."""

from __future__ import annotations

import os
import resource
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import django  # noqa: E402

django.setup()
from PIL import Image  # noqa: E402

from webapp.photos.uploads import normalise_upload  # noqa: E402

side = int(sys.argv[1]) if len(sys.argv) > 1 else 7000
path = f"/tmp/upload-memory-{os.getpid()}.jpg"
if os.fork() == 0:  # the test photo is made in a child, so its pixels are not in our peak
    noise = Image.effect_noise((side // 8, side // 8), 60).convert("RGB").resize((side, side))
    noise.save(path, "JPEG", quality=90)
    os._exit(0)
os.wait()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
with open(path, "rb") as handle:
    image = normalise_upload(handle, size=os.path.getsize(path), max_bytes=10**9, max_pixels=10**9)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
os.unlink(path)
print(
    f"{side}x{side}: peak RSS growth {(peak - base) / 1024:.0f} MB, {seconds:.2f} s, "
    f"stored {len(image.jpeg) / 1e6:.1f} MB"
)
