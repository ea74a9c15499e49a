"""The text stage on its own (issue 19): CPU cost per photo, what it reads on COCO, and the
synthetic set that sets ``CONFIDENT_READING``.

Usage::

    .venv/bin/python bench/text_reading.py speed     [--repeat 1]         # p50/p95 ms, 1 and 2 threads
    .venv/bin/python bench/text_reading.py survey    [--out survey.json]  # photos with text, strings read
    .venv/bin/python bench/text_reading.py synthetic [--out synth.json]   # confidence of right/wrong readings
    .venv/bin/python bench/text_reading.py quotes    [--edge-characters 0] [--quote-at 0.95]  # what is quoted
    .venv/bin/python bench/text_reading.py pipeline  [--sets coco-val-calib]  # CPU per photo, text on/off
    .venv/bin/python bench/text_reading.py trust     # the trust issue's figures, text on/off

``speed`` times ``reader.read(image)`` on already decoded, EXIF-upright images (decoding is the
pipeline's, shared with the segmenter) over ``../shared/photos`` and ``../shared/coco-val-calib``,
in wall-clock and process CPU milliseconds (CPU time does not depend on what else the shared
machine runs; with 2 threads it adds both threads' time), against a baseline in the same run:
SSDLite (the lightest real segmenter, ``../shared/models``) segmenting the same images on 1 thread.
Also the reader's start-up (import + sessions) time.

``survey`` reads every photo of ``../shared/coco-val-calib`` and ``../shared/coco-val-captions``
(held out: nothing here was tuned on them) and lists each line read with its confidence, marking
the confidently read ones (``>= CONFIDENT_READING``).

``synthetic`` draws known strings onto the 10 ``../shared/photos`` (heights 10-48 px, angles
0-15 degrees, high/low contrast, sign-like plates and busy backgrounds; the generator of
``tests/segmentation/text/synth.py``) and classifies every line found over the drawn text as
right (its words are a run of the drawn string's words, exact case) or wrong, and every line
elsewhere as a stray; then prints how many of each pass each confidence threshold.

``quotes`` describes every photo of both held-out sets with the shipped segmenter's detections
(``var/cache/yolo11_val-*.json`` and ``val-captions-images.json``, written by
``segmentation.predict`` as in "Trust out of sample (issue 16)") and the lines read (cached in
``var/cache/text_<set>.json``), and prints per set: photos with text found, with a confident line,
with a quote (and in the alt text), how many photos' human captions contain a quoted word, and
the by-eye judgment of each quoted string (``text_quotes_judged.json``: right, partly or wrong,
from looking at the photo; "?" when not judged). ``--edge-characters 0`` gives the rules before
the side-room rule; ``--quote-at`` tries another confidence threshold.

``pipeline`` times decode + YOLO11n-seg ``segment`` + ``describe`` per photo with and without
the text stage (read + its sentences), alternating per photo in one run, 1 thread each.

``trust`` scores the alt text and long description with ``captioning.evaluate.score`` (shipped
tables, YOLO11n-seg detections) with and without the text read, on both sets.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))

from segmentation.preprocessing import load_image  # noqa: E402
from segmentation.text import build_text_reader  # noqa: E402
from segmentation.text.ppocr import CONFIDENT_READING  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def photos(folder: Path) -> list[Path]:
    """The photos of a shared set (the COCO sets keep theirs in ``images/``)."""
    if (folder / "images").is_dir():
        folder = folder / "images"
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))


def timed(run, images: list, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and process-CPU milliseconds of ``run(image)`` per image (after one warm-up)."""
    run(images[0])
    wall, cpu = [], []
    for image in images:
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            run(image)
            wall.append(1000 * (time.perf_counter() - t0))
            cpu.append(1000 * (time.process_time() - c0))
    return wall, cpu


def speed(args: argparse.Namespace) -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    start, start_cpu = time.perf_counter(), time.process_time()
    reader = build_text_reader("ppocr", threads=1)
    print(
        f"start-up (import + 2 onnxruntime sessions): wall {1000 * (time.perf_counter() - start):.0f} ms, "
        f"CPU {1000 * (time.process_time() - start_cpu):.0f} ms"
    )
    from segmentation.registry import build_segmenter

    # Baseline in the same run: the lightest real segmenter on the same decoded images, 1 thread.
    segmenter = build_segmenter(
        "ssdlite320_mobilenet_v3_large",
        weights_path=SHARED / "models" / "ssdlite320_mobilenet_v3_large_coco-dequantized_int8.pth",
        device="cpu",
        torch_threads=1,
    )
    for name in ("photos", "coco-val-calib"):
        images = [load_image(p) for p in photos(SHARED / name)]
        wall, cpu = timed(segmenter.segment, images, args.repeat)
        base = percentile(cpu, 50)
        print(
            f"{name:15s} {len(images):3d} photos, baseline SSDLite segment, 1 thread: wall p50 "
            f"{percentile(wall, 50):.0f} p95 {percentile(wall, 95):.0f} ms; CPU p50 {base:.0f} "
            f"p95 {percentile(cpu, 95):.0f} ms"
        )
        for threads in (1, 2):
            reader = build_text_reader("ppocr", threads=threads)
            wall, cpu = timed(reader.read, images, args.repeat)
            print(
                f"{name:15s} {len(images):3d} photos, text stage, {threads} thread(s): wall p50 "
                f"{percentile(wall, 50):.0f} p95 {percentile(wall, 95):.0f} ms; CPU p50 {percentile(cpu, 50):.0f} "
                f"p95 {percentile(cpu, 95):.0f} ms ({percentile(cpu, 50) / base:.2f}x the baseline's CPU p50)"
            )


def survey(args: argparse.Namespace) -> None:
    reader = build_text_reader("ppocr", threads=args.threads)
    found: dict[str, list[dict]] = {}
    for name in args.sets:
        files = photos(SHARED / name)
        any_line = confident = 0
        for path in files:
            lines = reader.read(load_image(path))
            rows = [[round(line.confidence, 3), line.text, [round(v) for v in line.box]] for line in lines]
            if rows:
                found[f"{name}/{path.name}"] = rows
                print(f"  {name}/{path.name}: {rows}", flush=True)
                any_line += 1
                confident += bool(lines.confident())
        print(
            f"{name}: {len(files)} photos; {any_line} with a line read at >= {reader.options.min_confidence}, "
            f"{confident} with a confidently read line (>= {CONFIDENT_READING})"
        )
    for key, rows in found.items():
        said = "; ".join(f"{t!r} {c:.2f}{'*' if c >= CONFIDENT_READING else ''}" for c, t, _ in rows)
        print(f"  {key}: {said}")
    if args.out:
        Path(args.out).write_text(json.dumps(found, indent=1, ensure_ascii=False))


STRINGS = (
    "GLADYS", "Main Street", "OPEN 24 HOURS", "Bakery", "EXIT 12", "Platform 9", "No Parking",
    "Fresh Fish", "Hotel Roma", "SALE", "Library", "Bus Stop", "Welcome", "PIZZA 2 EUR",
)  # fmt: skip


def synthetic_cases() -> list:
    from tests.segmentation.text.synth import Case

    names = [p.name for p in photos(SHARED / "photos")]
    grid = itertools.product([10, 12, 14, 16, 20, 24, 32, 48], [0, 5, 10, 15], ["high", "low"], ["plate", "busy"])
    cases = []
    for k, (height, angle, contrast, background) in enumerate(grid):
        where = ((0.3, 0.45, 0.6, 0.7)[k % 4], (0.25, 0.5, 0.75)[k % 3])
        cases.append(Case(STRINGS[k % len(STRINGS)], height, angle, contrast, background, names[k % len(names)], where))
    return cases


def classify(case, polygon: np.ndarray, lines) -> list[tuple[str, str, float]]:
    """``(kind, text, confidence)`` per line: ``right``/``wrong`` over the drawn text, else ``stray``."""
    x0, y0 = polygon.min(axis=0)
    x1, y1 = polygon.max(axis=0)
    words = case.text.split()
    runs = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    out = []
    for line in lines:
        lx0, ly0, lx1, ly1 = line.box
        cx, cy = (lx0 + lx1) / 2, (ly0 + ly1) / 2
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            out.append(("right" if line.text in runs else "wrong", line.text, line.confidence))
        else:
            out.append(("stray", line.text, line.confidence))
    return out


def synthetic(args: argparse.Namespace) -> None:
    from tests.segmentation.text.synth import draw_case

    reader = build_text_reader(args.reader, threads=args.threads)
    confident_at = reader.read(load_image(photos(SHARED / "photos")[0])).confident_at
    originals = {p.name: load_image(p) for p in photos(SHARED / "photos")}
    records = []
    exact = {}
    for case in synthetic_cases():
        image, polygon = draw_case(originals[case.photo], case)
        lines = reader.read(image)
        kinds = classify(case, polygon, lines)
        records.extend({"case": case.id, "kind": k, "text": t, "confidence": c} for k, t, c in kinds)
        over = [
            line
            for line, (k, _, _) in zip(lines, kinds, strict=True)
            if k != "stray" and line.confidence >= confident_at
        ]
        exact[case.id] = " ".join(line.text for line in over) == case.text
        print(case.id, case.photo, [(k, t, round(c, 3)) for k, t, c in kinds], flush=True)
    print(f"\n{len(exact)} drawn strings; read exactly (confident lines over the text, joined): {sum(exact.values())}")
    for key in ("height", "angle", "contrast", "background"):
        groups: dict = {}
        for case in synthetic_cases():
            groups.setdefault(getattr(case, key), []).append(exact[case.id])
        print(f"  by {key}: " + ", ".join(f"{g}: {sum(v)}/{len(v)}" for g, v in groups.items()))
    print("\nthreshold  right  wrong  stray   (lines at or above it)")
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, confident_at):
        count = {
            k: sum(1 for r in records if r["kind"] == k and r["confidence"] >= threshold)
            for k in ("right", "wrong", "stray")
        }
        print(f"  {threshold:4.2f}   {count['right']:5d}  {count['wrong']:5d}  {count['stray']:5d}")
    wrong = sorted((r for r in records if r["kind"] != "right"), key=lambda r: -r["confidence"])
    print("\nwrong or stray lines, most confident first:")
    for r in wrong[:25]:
        print(f"  {r['confidence']:.3f} {r['kind']:5s} {r['text']!r}  ({r['case']})")
    if args.out:
        Path(args.out).write_text(json.dumps(records, indent=1, ensure_ascii=False))


def cache_path(name: str) -> Path:
    return ROOT / "var" / "cache" / f"text_{name}.json"


def read_set(name: str, threads: int) -> dict[str, dict]:
    """Every photo's :class:`TextLines` (``to_dict``) of the shared set ``name``, by file name; read
    once and kept in ``var/cache/text_<set>.json`` (delete it after changing the reader)."""
    path = cache_path(name)
    if path.exists():
        return json.loads(path.read_text())
    reader = build_text_reader("ppocr", threads=threads)
    out = {p.name: reader.read(load_image(p)).to_dict() for p in photos(SHARED / name)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out))
    return out


#: The shipped segmenter's detections of the two held-out sets (``segmentation.predict``, as in
#: bench/README "Trust out of sample (issue 16)"), and the captions-only set's images file.
YOLO = "yolo_seg:yolo11n-seg_int8"
JUDGED = Path(__file__).with_name("text_quotes_judged.json")


def quote_rows(name: str, results_dir: Path, threads: int, quote_at: float | None = None) -> list[dict]:
    """Per photo of set ``name``: what the captioner quotes (with the shipped rules and the
    YOLO11n-seg detections), and which of its 5 captions contain a quoted word."""
    from dataclasses import replace

    from captioning import describe
    from captioning.evaluate import images_from, load_captions
    from captioning.thresholds import score_floor
    from segmentation.text import TextLines

    folder = SHARED / name
    if (folder / "instances.json").exists():
        coco = json.loads((folder / "instances.json").read_text())
    else:
        coco = json.loads((results_dir / "val-captions-images.json").read_text())
    stem = "val-calib" if name == "coco-val-calib" else "val-captions"
    results = json.loads((results_dir / f"yolo11_{stem}.json").read_text())
    images = images_from(coco, results, min_score=score_floor(YOLO) or 0.25, model=YOLO)
    captions = load_captions(folder / "captions.json")
    lines = read_set(name, threads)
    rows = []
    for image, inst, crowd, _ in images:
        text = TextLines.from_dict(lines[image["file_name"]])
        if quote_at is not None:
            text = replace(text, confident_at=quote_at)
        plain = describe(inst, crowd=crowd)
        said = describe(replace(inst, text=text), crowd=crowd)
        quoted = [t.text for t in said.text if t.status == "quoted"]
        caps = captions.get(int(image["id"]), [])
        words = {w.lower() for q in quoted for w in re.findall(r"[A-Za-z0-9]{3,}", q)}
        quoting = [c for c in caps if words & {w.lower() for w in re.findall(r"[A-Za-z0-9]+", c)}]
        rows.append({
            "photo": f"{name}/{image['file_name']}",
            "found": len(text),
            "confident": len(text.confident()),
            "quoted": quoted,
            "in_alt": [q for q in quoted if f"'{q}" in said.alt_text or q in said.alt_text],
            "unclear": sum(t.status == "unclear" for t in said.text),
            "captions_quoting": len(quoting),
            "alt_plain": plain.alt_text,
            "alt": said.alt_text,
            "long": said.long_description,
        })  # fmt: skip
    return rows


def quotes(args: argparse.Namespace) -> None:
    from captioning import reading

    if args.edge_characters is not None:  # the rules before this one: --edge-characters 0
        reading.EDGE_CHARACTERS = args.edge_characters
    if args.edge_side_share is not None:
        reading.EDGE_SIDE_SHARE = args.edge_side_share
    at = args.quote_at or "confident_at of the reader"
    print(f"rules: quote at >= {at}, side room {reading.EDGE_CHARACTERS} line heights up to {reading.EDGE_SIDE_SHARE}")
    judged = json.loads(JUDGED.read_text()) if JUDGED.exists() else {}
    for name in args.sets:
        rows = quote_rows(name, Path(args.results_dir), args.threads, args.quote_at)
        with_quote = [r for r in rows if r["quoted"]]
        for r in with_quote:
            marks = [judged.get(r["photo"], {}).get(q, "?") for q in r["quoted"]]
            said = ", ".join(f"{q!r} [{m}]" for q, m in zip(r["quoted"], marks, strict=True))
            print(f"  {r['photo']}: {said}; in alt {len(r['in_alt'])}; captions quoting {r['captions_quoting']}/5")
        strings = [(r["photo"], q) for r in with_quote for q in r["quoted"]]
        tally = {k: 0 for k in ("right", "partly", "wrong", "?")}
        for photo, q in strings:
            tally[judged.get(photo, {}).get(q, "?")] += 1
        print(
            f"{name}: {len(rows)} photos; {sum(r['found'] > 0 for r in rows)} with text found, "
            f"{sum(r['confident'] > 0 for r in rows)} with a confident line; {len(with_quote)} with a quote "
            f"({len(strings)} strings; {sum(bool(r['in_alt']) for r in with_quote)} quoted in the alt text); "
            f"{sum(r['unclear'] > 0 for r in rows)} with unclear text said; photos whose captions quote a "
            f"quoted word: {sum(r['captions_quoting'] > 0 for r in with_quote)} "
            f"(>= 2 captions: {sum(r['captions_quoting'] >= 2 for r in with_quote)}); "
            f"by eye: {tally['right']} right, {tally['partly']} partly, {tally['wrong']} wrong, {tally['?']} not judged"
        )
        if args.out:
            Path(args.out).with_suffix(f".{name}.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False))


def pipeline(args: argparse.Namespace) -> None:
    """CPU per photo through the worker's steps (decode, segment with YOLO11n-seg, describe), with
    and without the text stage, alternating per photo in one run (1 thread each)."""
    from dataclasses import replace

    from captioning import describe
    from segmentation.registry import build_segmenter

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    segmenter = build_segmenter(
        "yolo_seg", weights_path=SHARED / "models" / "yolo11n-seg_int8.tflite", device="cpu", torch_threads=1
    )
    reader = build_text_reader("ppocr", threads=1)

    def without(path: Path) -> None:
        describe(segmenter.segment(load_image(path)))

    def with_text(path: Path) -> None:
        image = load_image(path)
        instances = segmenter.segment(image)
        describe(replace(instances, text=reader.read(image)))

    for name in args.sets:
        files = photos(SHARED / name)[: args.limit or None]
        with_text(files[0])  # warm-up
        cpu: dict[str, list[float]] = {"without": [], "with": []}
        wall: dict[str, list[float]] = {"without": [], "with": []}
        for path in files:
            for key, run in (("without", without), ("with", with_text)):
                t0, c0 = time.perf_counter(), time.process_time()
                run(path)
                wall[key].append(1000 * (time.perf_counter() - t0))
                cpu[key].append(1000 * (time.process_time() - c0))
        base = percentile(cpu["without"], 50)
        for key in ("without", "with"):
            print(
                f"{name:17s} {len(files):3d} photos, pipeline {key:7s} text: CPU p50 {percentile(cpu[key], 50):.0f} "
                f"p95 {percentile(cpu[key], 95):.0f} mean {np.mean(cpu[key]):.0f} ms "
                f"({percentile(cpu[key], 50) / base:.2f}x p50 without); wall p50 {percentile(wall[key], 50):.0f} ms"
            )


def trust(args: argparse.Namespace) -> None:
    """The trust issue's alt-text and description figures (``captioning.evaluate.score``, the
    shipped tables, YOLO11n-seg detections) on each set with and without the text read in it."""
    from dataclasses import replace

    from captioning import describe
    from captioning.coco import category_names
    from captioning.evaluate import images_from, load_captions, score
    from captioning.thresholds import score_floor
    from segmentation.text import TextLines

    results_dir = Path(args.results_dir)
    for name in args.sets:
        folder = SHARED / name
        calib = (folder / "instances.json").exists()
        coco = json.loads(
            (folder / "instances.json" if calib else results_dir / "val-captions-images.json").read_text()
        )
        stem = "val-calib" if calib else "val-captions"
        results = json.loads((results_dir / f"yolo11_{stem}.json").read_text())
        images = images_from(coco, results, min_score=score_floor(YOLO) or 0.25, model=YOLO)
        captions = load_captions(folder / "captions.json")
        lines = read_set(name, args.threads)
        for text_on in (False, True):

            def alt_for(image: dict, inst, crowd, text_on: bool = text_on, read: dict = lines):  # noqa: ANN001, ANN202
                if text_on:
                    inst = replace(inst, text=TextLines.from_dict(read[image["file_name"]]))
                return describe(inst, crowd=crowd)

            report = score(images, captions, category_names(coco["categories"]), alt_for, exact=calib)
            report.pop("per_image", None)
            print(f"{name} text {'on ' if text_on else 'off'}: {json.dumps(report)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("speed", "survey", "synthetic", "quotes", "pipeline", "trust"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reader", default="ppocr", help="synthetic: which registered reader")
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--results-dir", default=str(ROOT / "var" / "cache"), help="quotes: yolo11_val-*.json, val-captions-images.json"
    )
    parser.add_argument(
        "--quote-at", type=float, default=None, help="quotes: confidence to quote at (else the reader's)"
    )
    parser.add_argument("--edge-side-share", type=float, default=None, help="quotes: override reading.EDGE_SIDE_SHARE")
    parser.add_argument("--edge-characters", type=float, default=None, help="quotes: override reading.EDGE_CHARACTERS")
    parser.add_argument("--limit", type=int, default=0, help="pipeline: first N photos of each set")
    parser.add_argument("--sets", nargs="+", default=["coco-val-calib", "coco-val-captions"], help="survey: which sets")
    args = parser.parse_args()
    modes = {"speed": speed, "survey": survey, "synthetic": synthetic, "quotes": quotes}
    modes.update(pipeline=pipeline, trust=trust)
    modes[args.mode](args)


if __name__ == "__main__":
    main()
