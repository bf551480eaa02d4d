"""From a detector's class names to food names.

A COCO-trained model (the 80 classes ultralytics ships with) sees ten foods;
its tableware (bowl, cup, dining table, ...) is context: it says there is a
meal, never what it is; every other class is ignored. A custom food model's class
names are used as they are (underscores read as spaces: ``fried_rice`` ->
``fried rice``).
"""

from __future__ import annotations

from collections.abc import Mapping

COCO_NAMES: tuple[str, ...] = (
    "person",
    "bicycle",
    "car",
    "motorcycle",
    "airplane",
    "bus",
    "train",
    "truck",
    "boat",
    "traffic light",
    "fire hydrant",
    "stop sign",
    "parking meter",
    "bench",
    "bird",
    "cat",
    "dog",
    "horse",
    "sheep",
    "cow",
    "elephant",
    "bear",
    "zebra",
    "giraffe",
    "backpack",
    "umbrella",
    "handbag",
    "tie",
    "suitcase",
    "frisbee",
    "skis",
    "snowboard",
    "sports ball",
    "kite",
    "baseball bat",
    "baseball glove",
    "skateboard",
    "surfboard",
    "tennis racket",
    "bottle",
    "wine glass",
    "cup",
    "fork",
    "knife",
    "spoon",
    "bowl",
    "banana",
    "apple",
    "sandwich",
    "orange",
    "broccoli",
    "carrot",
    "hot dog",
    "pizza",
    "donut",
    "cake",
    "chair",
    "couch",
    "potted plant",
    "bed",
    "dining table",
    "toilet",
    "tv",
    "laptop",
    "mouse",
    "remote",
    "keyboard",
    "cell phone",
    "microwave",
    "oven",
    "toaster",
    "sink",
    "refrigerator",
    "book",
    "clock",
    "vase",
    "scissors",
    "teddy bear",
    "hair drier",
    "toothbrush",
)

# COCO's food classes and the name the rest of Psi (and USDA matching) uses.
COCO_FOODS: Mapping[str, str] = {
    "banana": "banana",
    "apple": "apple",
    "sandwich": "sandwich",
    "orange": "orange",
    "broccoli": "broccoli",
    "carrot": "carrot",
    "hot dog": "hot dog",
    "pizza": "pizza",
    "donut": "doughnut",
    "cake": "cake",
}
# Tableware says there is a meal, not what it is: never reported as a food.
COCO_TABLEWARE = frozenset(
    {"bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "dining table"}
)


def is_coco(names: Mapping[int, str]) -> bool:
    return len(names) == len(COCO_NAMES) and all(
        names.get(i) == n for i, n in enumerate(COCO_NAMES)
    )


def food_labels(names: Mapping[int, str]) -> dict[int, str | None]:
    """Class index -> food name, or None for a class that is not a food."""
    if is_coco(names):
        return {i: COCO_FOODS.get(n) for i, n in names.items()}
    labels: dict[int, str | None] = {}
    for i, n in names.items():
        cleaned = " ".join(str(n).replace("_", " ").split())
        labels[i] = cleaned or None
    return labels


def context_labels(names: Mapping[int, str]) -> dict[int, str | None]:
    """Class index -> tableware name (COCO only), or None for any other class."""
    if not is_coco(names):
        return {i: None for i in names}
    return {i: (n if n in COCO_TABLEWARE else None) for i, n in names.items()}
