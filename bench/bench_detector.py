"""Detector latency per 640 px image: ONNX Runtime (Psi's adapter) vs the torch backend.

    .venv/bin/python bench/bench_detector.py                 # yolo26n and yolo11n from YAML
    .venv/bin/python bench/bench_detector.py --weights my.pt --runs 100

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
    return {"p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 1),
            "min_ms": round(samples[0], 1)}


def interleaved(backends: dict[str, Callable[[], object]], runs: int,
                warmup: int) -> dict[str, dict[str, float]]:
    """Time every backend once per round, in rotating order, so that load from other
    processes (this VM's 2 cores are shared) falls on all of them alike."""
    names = list(backends)
    for _ in range(warmup):
        for name in names:
            backends[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(runs):
        for name in names[i % len(names):] + names[:i % len(names)]:
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

    return interleaved({
        "ort forward": lambda: session.run(None, {info.input_name: tensor}),
        "ort adapter": lambda: detector.detect_sync(image),
        "ort ultralytics": lambda: ort_yolo.predict(frame, imgsz=640, verbose=False),
        "torch forward": torch_forward,
        "torch ultralytics": lambda: torch_yolo.predict(frame, imgsz=640, verbose=False),
    }, runs, warmup)


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
    parser.add_argument("--weights", type=Path, action="append",
                        help=".pt checkpoint (repeatable); default: yolo26n and yolo11n YAML")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--image", type=Path, default=ROOT / "tests/fixtures/images/fruits.jpg")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()

    import onnxruntime
    import torch
    from PIL import Image

    with Image.open(args.image) as img:
        photo = img.convert("RGB")
    photo = photo.resize((640, round(photo.height * 640 / photo.width)))
    report: dict[str, object] = {
        "machine": f"{os.cpu_count()} cpus", "torch_threads": torch.get_num_threads(),
        "onnxruntime": onnxruntime.__version__, "torch": torch.__version__,
        "image": f"{args.image.name} {photo.width}x{photo.height}", "runs": args.runs,
        "load_before": os.getloadavg()[0],
        "models": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        weights = args.weights or [build_from_yaml(c, work)
                                   for c in ("yolo26n.yaml", "yolo11n.yaml")]
        for pt in weights:
            report["models"][pt.stem] = bench_model(pt, photo, args.runs, args.warmup, work)

    report["load_after"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{report['machine']}, torch {report['torch']} ({report['torch_threads']} threads), "
          f"onnxruntime {report['onnxruntime']}, {report['image']}, {args.runs} runs, "
          f"load average {report['load_before']:.1f} -> {report['load_after']:.1f}")
    print(f"{'model':<10} {'backend':<18} {'p50 ms':>8} {'p95 ms':>8} {'min ms':>8}")
    for model, rows in report["models"].items():
        for backend, r in rows.items():
            print(f"{model:<10} {backend:<18} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['min_ms']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
