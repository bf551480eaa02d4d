"""What the shipped detector finds on every real photo available offline.

    .venv/bin/python bench/eval_detector.py                       # print the tables
    .venv/bin/python bench/eval_detector.py --write docs/models.md  # replace the marked block

Photos: Debian's `opencv-doc` examples (every JPEG/PNG under `examples/`) and
scikit-image's `skimage/data` (every colour or grey photo). Where they are not
installed, they are fetched from the registries into `var/eval/` once
(`apt-get download opencv-doc`, `pip download --no-deps scikit-image==0.26.0`).

Each photo goes through the upload sanitiser (as in production; photos it
refuses, too small or too large, are listed as skipped) and the detector at
every threshold of `THRESHOLDS`. A photo's truth is written below by a person
who looked at it: what is in it, and which COCO food classes could name it.
Any photo not listed holds no food. A food box on a photo without food is a
false food; on a food photo, a class that is not in its truth is a mislabel.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

CACHE = ROOT / "var" / "eval"
THRESHOLDS = (0.25, 0.30, 0.35, 0.40, 0.45)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class Truth:
    content: str
    coco: frozenset[str]  # the COCO food classes a correct answer uses


# Looked at one by one. COCO's "orange" is any citrus fruit.
FOOD_PHOTOS: dict[str, Truth] = {
    "opencv-doc/data/fruits.jpg": Truth(
        "a halved orange, a halved lemon, a lime, a kiwi, melon, red cabbage", frozenset({"orange"})
    ),
    "opencv-doc/data/orange.jpg": Truth("one orange", frozenset({"orange"})),
    "opencv-doc/data/apple.jpg": Truth("one red apple", frozenset({"apple"})),
    "opencv-doc/data/smarties.png": Truth("sugar-coated chocolates (no COCO class)", frozenset()),
    "opencv-doc/data/box.png": Truth("a box of pasta (no COCO class)", frozenset()),
    "opencv-doc/data/box_in_scene.png": Truth(
        "a box of pasta among other things (no COCO class)", frozenset()
    ),
    "skimage/coffee.png": Truth(
        "a cup of coffee on a saucer (a drink: no COCO food class)", frozenset()
    ),
}


# --------------------------------------------------------------------------- photos


def opencv_doc_examples() -> Path:
    installed = Path("/usr/share/doc/opencv-doc/examples")
    if installed.is_dir():
        return installed
    target = CACHE / "opencv-doc"
    examples = target / "usr/share/doc/opencv-doc/examples"
    if not examples.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["apt-get", "download", "opencv-doc"], cwd=target, check=True)
        deb = next(target.glob("opencv-doc_*.deb"))
        subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
    return examples


def skimage_data() -> Path:
    try:
        import skimage.data

        return Path(skimage.data.__file__).parent
    except ImportError:
        pass
    target = CACHE / "skimage"
    data = target / "skimage" / "data"
    if not data.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary",
                ":all:",
                "scikit-image==0.26.0",
                "-d",
                str(target),
            ],
            check=True,
        )
        wheel = next(target.glob("scikit_image-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            for name in z.namelist():
                if name.startswith("skimage/data/") and name.endswith(IMAGE_SUFFIXES):
                    z.extract(name, target)
    return data


def photos() -> dict[str, Path]:
    found: dict[str, Path] = {}
    examples = opencv_doc_examples()
    for path in sorted(examples.rglob("*")):
        if path.suffix.lower() in IMAGE_SUFFIXES:
            found[f"opencv-doc/{path.relative_to(examples)}"] = path
    data = skimage_data()
    for path in sorted(data.iterdir()):
        if path.suffix.lower() in IMAGE_SUFFIXES:
            found[f"skimage/{path.name}"] = path
    return found


# --------------------------------------------------------------------------- evaluation


@dataclass
class Result:
    key: str
    size: str
    foods: list[tuple[str, float]]
    context: list[tuple[str, float]]
    skipped: str | None = None


async def evaluate(paths: dict[str, Path], floor: float) -> list[Result]:
    from adapters.images.sanitiser import PillowImageSanitiser
    from adapters.vision.nanodet_onnx import NanoDetConfig, OnnxNanoDetDetector
    from domain.errors import UnsupportedImage, UnusableImage

    sanitiser = PillowImageSanitiser()
    detector = OnnxNanoDetDetector(NanoDetConfig(confidence=floor))
    results = []
    for key, path in paths.items():
        try:
            image = sanitiser.sanitise(path.read_bytes())
        except (UnsupportedImage, UnusableImage) as exc:
            results.append(Result(key, "", [], [], skipped=type(exc).__name__))
            continue
        report = await detector.detect(image)
        if report.failure:
            raise SystemExit(f"{key}: {report.failure}")
        results.append(
            Result(
                key,
                f"{image.width}x{image.height}",
                [(d.food, d.confidence) for d in report.detections],
                [(d.food, d.confidence) for d in report.context],
            )
        )
    return results


def above(items: list[tuple[str, float]], threshold: float) -> list[tuple[str, float]]:
    return [(n, c) for n, c in items if c >= threshold]


def names(items: list[tuple[str, float]]) -> str:
    if not items:
        return "-"
    counted: dict[str, list[float]] = {}
    for n, c in items:
        counted.setdefault(n, []).append(c)
    return ", ".join(
        f"{n} x{len(cs)} ({max(cs):.2f})" if len(cs) > 1 else f"{n} ({cs[0]:.2f})"
        for n, cs in counted.items()
    )


def summary(results: list[Result]) -> list[str]:
    food = [r for r in results if r.key in FOOD_PHOTOS and not r.skipped]
    nameable = [r for r in food if FOOD_PHOTOS[r.key].coco]
    other = [r for r in results if r.key not in FOOD_PHOTOS and not r.skipped]
    lines = [
        "| threshold | nameable food photos with their food found | missed | "
        "mislabelled boxes on food photos | photos without food given a food | "
        "false food boxes |",
        "|---|---|---|---|---|---|",
    ]
    for t in THRESHOLDS:
        hit = sum(
            1 for r in nameable if FOOD_PHOTOS[r.key].coco & {n for n, _ in above(r.foods, t)}
        )
        wrong = sum(
            1 for r in food for n, _ in above(r.foods, t) if n not in FOOD_PHOTOS[r.key].coco
        )
        false_photos = sum(1 for r in other if above(r.foods, t))
        false_boxes = sum(len(above(r.foods, t)) for r in other)
        lines.append(
            f"| {t:.2f} | {hit} of {len(nameable)} | {len(nameable) - hit} | "
            f"{wrong} | {false_photos} of {len(other)} | {false_boxes} |"
        )
    return lines


def tables(results: list[Result], threshold: float) -> str:
    keys = {r.key for r in results}
    out = [
        f"Photos: {len(results)} ({sum(1 for r in results if r.skipped)} refused by the "
        f"upload sanitiser); food photos: {sum(1 for k in FOOD_PHOTOS if k in keys)}.",
        "",
        *summary(results),
        "",
        f"Food photos at the shipped threshold {threshold:.2f} (score in brackets; x2: two boxes):",
        "",
        "| photo | what is in it | found | missed | mislabelled | context |",
        "|---|---|---|---|---|---|",
    ]
    by_key = {r.key: r for r in results}
    for key, truth in FOOD_PHOTOS.items():
        r = by_key.get(key)
        if r is None or r.skipped:
            continue
        foods = above(r.foods, threshold)
        found = [(n, c) for n, c in foods if n in truth.coco]
        wrong = [(n, c) for n, c in foods if n not in truth.coco]
        missed = sorted(truth.coco - {n for n, _ in foods})
        out.append(
            f"| {key} | {truth.content} | {names(found)} | {', '.join(missed) or '-'} | "
            f"{names(wrong)} | {names(above(r.context, threshold))} |"
        )
    out += [
        "",
        f"Photos without food given a food or context at {threshold:.2f}:",
        "",
        "| photo | size | foods (false) | context |",
        "|---|---|---|---|",
    ]
    quiet = 0
    for r in results:
        if r.key in FOOD_PHOTOS or r.skipped:
            continue
        foods, context = above(r.foods, threshold), above(r.context, threshold)
        if not foods and not context:
            quiet += 1
            continue
        out.append(f"| {r.key} | {r.size} | {names(foods)} | {names(context)} |")
    out += ["", f"The other {quiet} photos without food: no food and no context."]
    skipped = [f"{r.key} ({r.skipped})" for r in results if r.skipped]
    if skipped:
        out += ["", "Refused by the sanitiser: " + ", ".join(skipped) + "."]
    return "\n".join(out)


START, END = "<!-- eval_detector:start -->", "<!-- eval_detector:end -->"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", type=Path, help=f"replace the block between {START} and {END} in this file"
    )
    args = parser.parse_args()
    from adapters.vision.nanodet_onnx import NanoDetConfig

    shipped = NanoDetConfig().confidence
    results = asyncio.run(evaluate(photos(), min(THRESHOLDS)))
    text = tables(results, shipped)
    print(text)
    if args.write:
        doc = args.write.read_text()
        if START not in doc or END not in doc:
            raise SystemExit(f"{args.write} has no {START} ... {END} block")
        head, rest = doc.split(START, 1)
        _, tail = rest.split(END, 1)
        args.write.write_text(f"{head}{START}\n{text}\n{END}{tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
