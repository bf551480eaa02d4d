"""Detector latency per image: the shipped NanoDet pipeline; YOLO on ONNX Runtime vs torch.

    .venv/bin/python bench/bench_detector.py --nanodet       # the shipped model, stage by stage
    .venv/bin/python bench/bench_detector.py                 # yolo26n and yolo11n from YAML
    .venv/bin/python bench/bench_detector.py --weights my.pt --runs 100

--nanodet times what a meal photo costs the worker with the shipped
NanoDet-g-416 (`OnnxNanoDetDetector.find_in_bytes`: JPEG decode, letterbox and
normalisation, inference, box decoding and NMS), on the sanitised fruits.jpg
(512 x 480) and on a 12 MP JPEG (4032 x 3024, the size of a phone photo), plus
each stage alone on the small photo. Needs only onnxruntime.

Without --weights, nano models are built from ultralytics' YAML with random
weights (nothing is downloaded): the network and so the forward cost are those
of the real model; only the boxes found differ. Each backend is timed on the
same photo (tests/fixtures/images/fruits.jpg resized to 640 px wide), after a
warm-up, one image at a time, on all cores the machine has, the backends
interleaved round by round (so background load hits them alike):

- ort forward:  `session.run` on the prepared tensor only
- ort adapter:  Psi's `OnnxYoloDetector.detect_sync` (letterbox + run + decode/NMS)
- ort ultralytics: ultralytics' own ONNX backend, `YOLO(onnx).predict`
- torch forward: the PyTorch model on the prepared tensor, `torch.inference_mode`
- torch ultralytics: `YOLO(pt).predict` (pre-processing, forward, NMS)
Needs the `vision` extra with ultralytics and torch.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("YOLO_OFFLINE", "1")
os.environ.setdefault("YOLO_VERBOSE", "False")


def summarise(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 1),
        "min_ms": round(samples[0], 1),
    }


def interleaved(
    backends: dict[str, Callable[[], object]], runs: int, warmup: int
) -> dict[str, dict[str, float]]:
    """Time every backend once per round, in rotating order, so that load from other
    processes (this VM's 2 cores are shared) falls on all of them alike."""
    names = list(backends)
    for _ in range(warmup):
        for name in names:
            backends[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(runs):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            t = time.perf_counter()
            backends[name]()
            samples[name].append((time.perf_counter() - t) * 1000)
    return {name: summarise(samples[name]) for name in names}


def bench_model(pt: Path, image, runs: int, warmup: int, workdir: Path) -> dict[str, dict]:
    import numpy as np
    import torch
    from ultralytics import YOLO

    from adapters.vision.weights import resolve_onnx
    from adapters.vision.yolo_decode import letterbox
    from adapters.vision.yolo_onnx import DetectorConfig, OnnxYoloDetector

    onnx_path = resolve_onnx(pt, workdir / "cache")
    detector = OnnxYoloDetector(DetectorConfig(weights=onnx_path, cache_dir=workdir))
    info = detector.info
    tensor, _ = letterbox(image, info.input_size)
    session = detector._session  # the adapter's own session, same options
    ort_yolo = YOLO(str(onnx_path), task="detect")
    frame = np.asarray(image)[:, :, ::-1].copy()  # ultralytics takes BGR arrays
    torch_yolo = YOLO(str(pt))
    model = torch_yolo.model.float().eval().fuse()
    t_tensor = torch.from_numpy(tensor)

    def torch_forward() -> object:
        with torch.inference_mode():
            return model(t_tensor)

    return interleaved(
        {
            "ort forward": lambda: session.run(None, {info.input_name: tensor}),
            "ort adapter": lambda: detector.detect_sync(image),
            "ort ultralytics": lambda: ort_yolo.predict(frame, imgsz=640, verbose=False),
            "torch forward": torch_forward,
            "torch ultralytics": lambda: torch_yolo.predict(frame, imgsz=640, verbose=False),
        },
        runs,
        warmup,
    )


def bench_nanodet(runs: int, warmup: int, image: Path) -> dict[str, object]:
    import io

    from PIL import Image

    from adapters.images.sanitiser import PillowImageSanitiser
    from adapters.vision import nanodet_decode as nd
    from adapters.vision.nanodet_onnx import NanoDetConfig, OnnxNanoDetDetector

    small = PillowImageSanitiser().sanitise(image.read_bytes()).data
    with Image.open(image) as img:
        big = img.convert("RGB").resize((4032, 3024), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    big.save(out, format="JPEG", quality=90)
    large = out.getvalue()
    detector = OnnxNanoDetDetector()
    detector.find_in_bytes(small)  # loads the session
    with Image.open(io.BytesIO(small)) as img:
        rgb = img.convert("RGB")
    tensor, lb = nd.prepare(rgb)
    outputs = detector.run(tensor)
    cfg = detector.config
    groups = detector._groups

    def decode_jpeg() -> object:
        with Image.open(io.BytesIO(small)) as img:
            return img.convert("RGB")

    rows = interleaved(
        {
            "pipeline 512x480": lambda: detector.find_in_bytes(small),
            "pipeline 4032x3024": lambda: detector.find_in_bytes(large),
            "  jpeg decode": decode_jpeg,
            "  prepare": lambda: nd.prepare(rgb),
            "  inference": lambda: detector.run(tensor),
            "  decode + nms": lambda: nd.decode(
                outputs, lb, cfg.confidence, cfg.iou, groups=groups
            ),
        },
        runs,
        warmup,
    )
    # CPU time of one call on one thread: what the pipeline costs a core, whatever the
    # other processes on this shared VM are doing (wall time under load is not).
    single = OnnxNanoDetDetector(NanoDetConfig(threads=1))
    single.find_in_bytes(small)
    cpu = {}
    for name, data in (("pipeline 512x480", small), ("pipeline 4032x3024", large)):
        spent = []
        for _ in range(max(10, runs // 2)):
            started = time.process_time()
            single.find_in_bytes(data)
            spent.append((time.process_time() - started) * 1000)
        cpu[name] = summarise(spent)
    return {
        "model": detector.name,
        "jpeg_bytes": {"small": len(small), "large": len(large)},
        "rows": rows,
        "cpu_one_thread": cpu,
    }


def build_from_yaml(cfg: str, folder: Path) -> Path:
    from ultralytics import YOLO

    from adapters.vision.class_names import COCO_NAMES

    model = YOLO(cfg)
    model.model.names = dict(enumerate(COCO_NAMES))
    target = folder / cfg.replace(".yaml", ".pt")
    model.save(str(target))
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--weights",
        type=Path,
        action="append",
        help=".pt checkpoint (repeatable); default: yolo26n and yolo11n YAML",
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--image", type=Path, default=ROOT / "tests/fixtures/images/fruits.jpg")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument(
        "--nanodet", action="store_true", help="the shipped NanoDet pipeline, stage by stage"
    )
    args = parser.parse_args()
    if args.nanodet:
        import onnxruntime

        load_before = os.getloadavg()[0]
        result = bench_nanodet(args.runs, args.warmup, args.image)
        result.update(
            machine=f"{os.cpu_count()} cpus",
            onnxruntime=onnxruntime.__version__,
            runs=args.runs,
            load_before=load_before,
            load_after=os.getloadavg()[0],
        )
        if args.json:
            print(json.dumps(result, indent=2))
            return 0
        print(
            f"{result['machine']}, onnxruntime {result['onnxruntime']}, {result['model']}, "
            f"{args.runs} runs, load average {load_before:.1f} -> "
            f"{result['load_after']:.1f}"
        )
        print(f"{'stage':<22} {'p50 ms':>8} {'p95 ms':>8} {'min ms':>8}")
        for stage, r in result["rows"].items():  # type: ignore[union-attr]
            print(f"{stage:<22} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['min_ms']:>8}")
        print("CPU time of one call on one thread (ONNX Runtime intra-op threads = 1):")
        for stage, r in result["cpu_one_thread"].items():  # type: ignore[union-attr]
            print(f"{stage:<22} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['min_ms']:>8}")
        return 0

    import onnxruntime
    import torch
    from PIL import Image

    with Image.open(args.image) as img:
        photo = img.convert("RGB")
    photo = photo.resize((640, round(photo.height * 640 / photo.width)))
    report: dict[str, object] = {
        "machine": f"{os.cpu_count()} cpus",
        "torch_threads": torch.get_num_threads(),
        "onnxruntime": onnxruntime.__version__,
        "torch": torch.__version__,
        "image": f"{args.image.name} {photo.width}x{photo.height}",
        "runs": args.runs,
        "load_before": os.getloadavg()[0],
        "models": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        weights = args.weights or [
            build_from_yaml(c, work) for c in ("yolo26n.yaml", "yolo11n.yaml")
        ]
        for pt in weights:
            report["models"][pt.stem] = bench_model(pt, photo, args.runs, args.warmup, work)

    report["load_after"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"{report['machine']}, torch {report['torch']} ({report['torch_threads']} threads), "
        f"onnxruntime {report['onnxruntime']}, {report['image']}, {args.runs} runs, "
        f"load average {report['load_before']:.1f} -> {report['load_after']:.1f}"
    )
    print(f"{'model':<10} {'backend':<18} {'p50 ms':>8} {'p95 ms':>8} {'min ms':>8}")
    for model, rows in report["models"].items():
        for backend, r in rows.items():
            print(f"{model:<10} {backend:<18} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['min_ms']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
