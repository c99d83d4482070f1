"""How fast and how lean is the upload image pipeline? One run, side by side.

    .venv/bin/python benchmarks/variants.py [--quick]

Inputs are generated (photo-like: gradients, hard edges and noise, with orientation and GPS
tags) and cached in the temp directory; nothing is downloaded. Django settings are not
needed. For each input, three pipelines run, each in a fresh subprocess pinned to one core:

  project  gallery.imaging.variants.process_image (draft decode, chained resize, rotate small)
  naive    what the original service did: full decode, exif_transpose, thumbnail() of the
           full image per variant, WebP with Pillow's defaults (quality 80, method 4)
  naive=   the same naive pipeline with the project's WebP settings, to show how much of
           the gain is the pipeline and how much the encoder setting
  floor    the codec floor: decode at the project's draft scale + encode the three WebPs
           (pre-sized pictures prepared beforehand), nothing else

Time is CPU time of the worker process (it is pinned to one core, so this is the one-core
cost and is not inflated by other load on a shared machine), best of a few runs; wall time
is printed beside it. Memory is the worker's peak RSS (VmHWM, reset after imports and
reading the input; ru_maxrss where /proc is missing) over that baseline: Pillow's pixel
buffers live in C and are invisible to tracemalloc.
Quality: PSNR of each variant against a slow reference (full-resolution decode, LANCZOS
straight to each size, no draft, no chain), compared with what the same WebP settings give
when encoding that reference itself; the pipeline's shortcuts should cost under 0.5 dB.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageChops, ImageOps  # noqa: E402

from gallery.imaging import variants  # noqa: E402
from gallery.imaging.exif import SWAPS_AXES, TRANSPOSE, read_orientation  # noqa: E402
from gallery.imaging.sniff import JPEG_FORMATS  # noqa: E402
from gallery.tests import imagegen  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "pikoshi-variants-bench-v1"
MAX_PIXELS = 100_000_000

# name: (label, size, format, orientation, timed repeats after the first run)
INPUTS = {
    "jpeg12": ("12 MP JPEG", (4000, 3000), "JPEG", 6, 6),
    "jpeg24": ("24 MP JPEG", (6000, 4000), "JPEG", 8, 1),
    "png": ("12 MP PNG", (4000, 3000), "PNG", 1, 0),
    "heic": ("12 MP HEIC", (4032, 3024), "HEIF", 6, 0),
}
PIPELINES = ("project", "naive", "naive=", "floor")
SAME_SETTINGS_FOR = {"jpeg12"}  # naive= runs only where the headline ratios are taken
GPS = (35.6586, 139.7454)


# --- inputs ---------------------------------------------------------------------------------


def input_path(name: str) -> Path:
    fmt = INPUTS[name][2]
    return CACHE / f"{name}.{ {'JPEG': 'jpg', 'PNG': 'png', 'HEIF': 'heic'}[fmt] }"


def generate_inputs(names) -> None:
    CACHE.mkdir(exist_ok=True)
    for name in names:
        path = input_path(name)
        if path.exists():
            continue
        label, size, fmt, orientation, _ = INPUTS[name]
        started = time.perf_counter()
        picture = imagegen.photo_like(size, seed=len(name))
        exif = imagegen.make_exif(
            orientation=orientation,
            taken_at="2025:03:14 15:09:26",
            offset="+09:00",
            make="Pikoshi",
            model="Bench One",
            gps=GPS,
        )
        if fmt == "JPEG":
            data = imagegen.jpeg(image=picture, quality=90, exif=exif)
        elif fmt == "PNG":
            buffer = io.BytesIO()
            picture.save(buffer, "PNG", exif=exif.tobytes())
            data = buffer.getvalue()
        else:
            buffer = io.BytesIO()
            # ultrafast: the x265 default preset needs ~30 s for 12 MP on this machine
            picture.save(
                buffer, "HEIF", quality=80, exif=exif.tobytes(), enc_params={"preset": "ultrafast"}
            )
            data = buffer.getvalue()
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.rename(path)
        took = time.perf_counter() - started
        print(f"  generated {label}: {len(data) / 1e6:.1f} MB in {took:.1f} s")


def prepare_floor(name: str) -> None:
    """Write the variant-sized pictures the floor encodes, and the draft size it decodes at."""
    meta_path = CACHE / f"{name}.floor.json"
    if meta_path.exists():
        return
    data = input_path(name).read_bytes()
    result = variants.process_image(io.BytesIO(data), max_pixels=MAX_PIXELS)
    with Image.open(io.BytesIO(data)) as im:
        orientation = read_orientation(im.getexif())
        swap = orientation in SWAPS_AXES
        stored = {
            n: ((v.height, v.width) if swap else (v.width, v.height))
            for n, v in result.variants.items()
        }
        if im.format in JPEG_FORMATS:
            im.draft(im.mode, stored["display"])
        im.load()
        draft_size = im.size
        work = im.convert("RGB")
    method = TRANSPOSE.get(orientation)
    for variant, size in stored.items():
        picture = work.resize(size, Image.Resampling.LANCZOS)
        if method is not None:
            picture = picture.transpose(method)
        picture.save(CACHE / f"{name}.floor.{variant}.png", compress_level=1)
    meta_path.write_text(json.dumps({"draft_size": draft_size, "display": stored["display"]}))


# --- pipelines (run inside workers) ---------------------------------------------------------


def run_project(data: bytes, _state) -> int:
    result = variants.process_image(io.BytesIO(data), max_pixels=MAX_PIXELS)
    return sum(len(v.data) for v in result.variants.values())


def encode(im: Image.Image) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, "WEBP", quality=variants.WEBP_QUALITY, method=variants.WEBP_METHOD, exif=b"")
    return buffer.getvalue()


def encode_default(im: Image.Image) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, "WEBP")
    return buffer.getvalue()


def run_naive(data: bytes, _state, encoder=encode_default) -> int:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        upright = ImageOps.exif_transpose(im)
    if upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGB")
    total = 0
    for box in variants.VARIANT_SIZES.values():
        variant = upright.copy()
        variant.thumbnail(box, Image.Resampling.LANCZOS)
        total += len(encoder(variant))
    return total


def run_naive_same_settings(data: bytes, state) -> int:
    return run_naive(data, state, encoder=encode)


def floor_state(name: str):
    meta = json.loads((CACHE / f"{name}.floor.json").read_text())
    pictures = []
    for variant in variants.VARIANT_SIZES:
        with Image.open(CACHE / f"{name}.floor.{variant}.png") as im:
            im.load()
            pictures.append(im)
    return tuple(meta["display"]), pictures


def run_floor(data: bytes, state) -> int:
    display, pictures = state
    with Image.open(io.BytesIO(data)) as im:
        if im.format in JPEG_FORMATS:
            im.draft(im.mode, display)
        im.load()
    return sum(len(encode(picture)) for picture in pictures)


RUNNERS = {
    "project": run_project,
    "naive": run_naive,
    "naive=": run_naive_same_settings,
    "floor": run_floor,
}


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def reset_peak_rss() -> float:
    """Start a fresh peak (Linux: writing 5 to clear_refs resets VmHWM); returns RSS now."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status_mb("VmRSS") or max_rss_mb()


def max_rss_mb() -> float:
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker(pipeline: str, name: str, repeats: int) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    data = input_path(name).read_bytes()
    state = floor_state(name) if pipeline == "floor" else None
    run = RUNNERS[pipeline]
    run(imagegen.jpeg((64, 48)), None if pipeline != "floor" else state)  # load codecs
    baseline = reset_peak_rss()
    timings, walls = [], []
    for _ in range(1 + repeats):
        started, started_wall = time.process_time(), time.perf_counter()
        output_bytes = run(data, state)
        timings.append((time.process_time() - started) * 1000)
        walls.append((time.perf_counter() - started_wall) * 1000)
        if len(timings) == 1:
            peak = max_rss_mb()
    print(
        json.dumps(
            {
                "ms": min(timings),
                "wall_ms": min(walls),
                "runs": len(timings),
                "peak_mb": peak - baseline,
                "rss_mb": peak,
                "bytes": output_bytes,
            }
        )
    )


def measure(pipeline: str, name: str, repeats: int) -> dict:
    out = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--worker", pipeline, name, str(repeats)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- quality --------------------------------------------------------------------------------


def psnr(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    histogram = diff.histogram()
    squared = sum(count * (i % 256) ** 2 for i, count in enumerate(histogram))
    mse = squared / (a.width * a.height * 3)
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


def quality_worker(name: str) -> None:
    data = input_path(name).read_bytes()
    result = variants.process_image(io.BytesIO(data), max_pixels=MAX_PIXELS)
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        full = ImageOps.exif_transpose(im).convert("RGB")
    report = {}
    for variant in result.variants.values():
        reference = full.resize((variant.width, variant.height), Image.Resampling.LANCZOS)
        ours = Image.open(io.BytesIO(variant.data))
        theirs = Image.open(io.BytesIO(encode(reference)))
        report[variant.name] = {"project": psnr(ours, reference), "ref": psnr(theirs, reference)}
    print(json.dumps(report))


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 12 MP JPEG")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--quality-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        pipeline, name, repeats = args.worker
        worker(pipeline, name, int(repeats))
        return
    if args.quality_worker:
        quality_worker(args.quality_worker)
        return

    started = time.perf_counter()
    names = ["jpeg12"] if args.quick else list(INPUTS)
    print(
        f"WebP quality={variants.WEBP_QUALITY} method={variants.WEBP_METHOD}; "
        f"one core per worker; inputs cached in {CACHE}"
    )
    generate_inputs(names)
    for name in names:
        prepare_floor(name)

    results = {}
    header = (
        f"{'input':<12} {'pipeline':<8} {'CPU ms':>7} {'wall ms':>8} {'peak MB':>8} {'out KB':>7}"
    )
    print()
    print(header)
    print("-" * len(header))
    for name in names:
        label, *_, repeats = INPUTS[name]
        for pipeline in PIPELINES:
            if pipeline == "naive=" and name not in SAME_SETTINGS_FOR:
                continue
            r = results[name, pipeline] = measure(pipeline, name, repeats)
            print(
                f"{label:<12} {pipeline:<8} {r['ms']:>7.0f} {r['wall_ms']:>8.0f} "
                f"{r['peak_mb']:>8.0f} {r['bytes'] / 1024:>7.0f}"
            )
        project, naive, floor = (results[name, p] for p in ("project", "naive", "floor"))
        same = results.get((name, "naive="))
        equal = f" (naive=/project {same['ms'] / project['ms']:.2f}x)" if same else ""
        print(
            f"{'':<12} naive/project {naive['ms'] / project['ms']:.2f}x{equal}, "
            f"project/floor {project['ms'] / floor['ms']:.2f}x, "
            f"peak memory naive/project {naive['peak_mb'] / max(project['peak_mb'], 1):.1f}x"
        )

    print()
    print("PSNR vs full-resolution LANCZOS reference (dB; 'ref' = same WebP settings on the")
    print("reference itself; the pipeline's shortcuts should cost < 0.5 dB):")
    for name in [n for n in ("jpeg12", "jpeg24", "png") if n in names]:
        out = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--quality-worker", name],
            capture_output=True,
            text=True,
            check=True,
        )
        report = json.loads(out.stdout.strip().splitlines()[-1])
        for variant, q in report.items():
            loss = q["ref"] - q["project"]
            print(
                f"  {INPUTS[name][0]:<12} {variant:<8} project {q['project']:6.2f}  "
                f"ref {q['ref']:6.2f}  cost {loss:+.2f} dB {'ok' if loss < 0.5 else 'OVER'}"
            )

    project, naive, same, floor = (results["jpeg12", p] for p in PIPELINES)
    speedup, overhead = naive["ms"] / project["ms"], project["ms"] / floor["ms"]
    print()
    print(
        f"12 MP JPEG, one core: naive/project = {speedup:.2f}x (target >= 3x: "
        f"{'met' if speedup >= 3 else 'MISSED'}; {same['ms'] / project['ms']:.2f}x with equal "
        f"WebP settings), project/floor = {overhead:.2f}x "
        f"(target <= 1.5x: {'met' if overhead <= 1.5 else 'MISSED'})"
    )
    print(f"benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
