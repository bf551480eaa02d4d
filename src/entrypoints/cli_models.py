"""`psi models ...`: detector weights for operators.

    psi models export  [WEIGHTS] [--imgsz 640] [--out FILE]   .pt -> cached .onnx
    psi models validate [WEIGHTS] [--image PHOTO] [--export]  load and run it once
    psi models classes [WEIGHTS]                              class -> food name

WEIGHTS defaults to the configured detector: the shipped NanoDet (or
PSI_NANODET_WEIGHTS), or PSI_YOLO_WEIGHTS when PSI_DETECTOR is "yolo" (or
unset with PSI_YOLO_WEIGHTS set). A `.onnx` carrying NanoDet metadata is run as
NanoDet, any other as YOLO. Export needs the `vision` extra with ultralytics
and torch; validate and classes need only onnxruntime.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import time
from pathlib import Path
from typing import Any

from entrypoints.settings import Settings, load_settings


def register(subparsers: Any, groups: dict[str, Any]) -> None:
    models = subparsers.add_parser("models", help="export, validate and inspect detector weights")
    sub = models.add_subparsers(dest="models_command", required=True)

    export = sub.add_parser("export", help="export .pt weights to ONNX (cached)")
    export.add_argument("weights", nargs="?", type=Path, help="default: PSI_YOLO_WEIGHTS")
    export.add_argument("--imgsz", type=int, default=640)
    export.add_argument("--out", type=Path, help="write here instead of the model cache")
    export.set_defaults(func=_export)

    validate = sub.add_parser("validate", help="load the weights and run them on one image")
    validate.add_argument("weights", nargs="?", type=Path, help="default: PSI_YOLO_WEIGHTS")
    validate.add_argument("--image", type=Path, help="a JPEG/PNG photo (default: a blank one)")
    validate.add_argument(
        "--export", action="store_true", help="export .pt weights first if they are not cached yet"
    )
    validate.set_defaults(func=_validate)

    classes = sub.add_parser("classes", help="list the model's classes and their food names")
    classes.add_argument("weights", nargs="?", type=Path, help="default: PSI_YOLO_WEIGHTS")
    classes.set_defaults(func=_classes)


def _weights(args: argparse.Namespace, settings: Settings) -> Path:
    if args.weights is not None:
        return Path(args.weights)
    family = settings.detector_family
    if family == "off":
        raise _Fail("the detector is turned off (PSI_DETECTOR=off): give WEIGHTS")
    if family == "nanodet":
        from adapters.vision.nanodet_onnx import SHIPPED_MODEL

        return settings.nanodet_weights or SHIPPED_MODEL
    if settings.yolo_weights is None:
        raise _Fail("no weights given and PSI_YOLO_WEIGHTS is not set")
    return Path(settings.yolo_weights)


class _Fail(Exception):
    pass


def _guard(run: Any) -> Any:
    def wrapped(args: argparse.Namespace) -> int:
        try:
            from adapters.vision.weights import WeightsError
        except ImportError as exc:  # pragma: no cover - numpy-free module
            print(f"psi models: {exc}", file=sys.stderr)
            return 1
        try:
            return int(run(args, load_settings()) or 0)
        except (_Fail, WeightsError) as exc:
            print(f"psi models: {exc}", file=sys.stderr)
            return 1
        except ImportError as exc:
            print(
                f"psi models: {exc.name or exc} is missing: install the `vision` extra "
                "(pip install 'psi[vision]')",
                file=sys.stderr,
            )
            return 1

    return wrapped


@_guard
def _export(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.vision.weights import cached_onnx_path, export_to_onnx, resolve_onnx

    weights = _weights(args, settings)
    if weights.suffix.lower() == ".onnx":
        raise _Fail(f"{weights.name} is already ONNX: nothing to export")
    if args.out is not None:
        target = export_to_onnx(weights, args.out, args.imgsz)
    else:
        cached = (
            weights.is_file()
            and cached_onnx_path(weights, settings.models_dir, args.imgsz).is_file()
        )
        target = resolve_onnx(weights, settings.models_dir, args.imgsz)
        if cached:
            print(f"already exported: {target}")
            return 0
    print(f"exported {weights} -> {target}")
    return 0


def _detector(weights: Path, settings: Settings, export: bool) -> Any:
    from adapters.vision.nanodet_onnx import NanoDetConfig, OnnxNanoDetDetector, is_nanodet
    from adapters.vision.weights import resolve_onnx
    from adapters.vision.yolo_onnx import DetectorConfig, OnnxYoloDetector

    onnx_path = resolve_onnx(weights, settings.models_dir, export_missing=export)
    if is_nanodet(onnx_path):
        return onnx_path, OnnxNanoDetDetector(
            NanoDetConfig(
                weights=onnx_path,
                confidence=settings.nanodet_confidence,
                iou=settings.nanodet_iou,
                threads=settings.yolo_threads,
            )
        )
    return onnx_path, OnnxYoloDetector(
        DetectorConfig(
            weights=onnx_path,
            cache_dir=settings.models_dir,
            confidence=settings.yolo_confidence,
            iou=settings.yolo_iou,
            threads=settings.yolo_threads,
        )
    )


@_guard
def _validate(args: argparse.Namespace, settings: Settings) -> int:
    from PIL import Image

    from adapters.images.sanitiser import PillowImageSanitiser
    from adapters.vision.class_names import food_labels, is_coco

    onnx_path, detector = _detector(_weights(args, settings), settings, args.export)
    try:
        info = detector.info
    except Exception as exc:
        raise _Fail(f"{onnx_path}: {exc}") from exc
    if args.image is not None:
        image = PillowImageSanitiser().sanitise(args.image.read_bytes())
    else:
        blank = io.BytesIO()
        Image.new("RGB", (640, 480), (128, 128, 128)).save(blank, format="PNG")
        image = PillowImageSanitiser().sanitise(blank.getvalue())
    started = time.perf_counter()
    report = asyncio.run(detector.detect(image))
    elapsed_ms = (time.perf_counter() - started) * 1000
    if report.failure:
        raise _Fail(f"inference failed: {report.failure}")
    foods = sum(1 for n in food_labels(info.names).values() if n)
    head = (
        "NanoDet (bin decoding and NMS in numpy)"
        if info.family == "nanodet"
        else "end-to-end (no NMS)"
        if info.end2end
        else "raw (NMS in numpy)"
    )
    threshold = detector.config.confidence
    print(f"model:      {onnx_path}")
    print(f"input:      {info.input_name} {info.input_size[1]}x{info.input_size[0]}")
    print(f"head:       {head}")
    print(
        f"classes:    {len(info.names)} ({'COCO' if is_coco(info.names) else 'custom'}, "
        f"{foods} reported as food)"
    )
    print(
        f"image:      {image.width}x{image.height}, {len(report.detections)} detections "
        f"at confidence >= {threshold} in {elapsed_ms:.0f} ms"
    )
    for d in report.detections[:20]:
        print(f"  {d.food:<24} {d.confidence:.2f}  {[round(v) for v in d.bbox.as_list()]}")
    for d in report.context[:20]:
        print(f"  ({d.food}: context) {d.confidence:.2f}  {[round(v) for v in d.bbox.as_list()]}")
    print("ok")
    return 0


@_guard
def _classes(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.vision.class_names import context_labels, food_labels

    _, detector = _detector(_weights(args, settings), settings, export=False)
    names = detector.info.names
    labels, context = food_labels(names), context_labels(names)
    for i in sorted(names):
        food = labels.get(i)
        meaning = food or (
            "(context: tableware, never a food)" if context.get(i) else "(ignored: not a food)"
        )
        print(f"{i:>4}  {names[i]:<24} -> {meaning}")
    return 0
