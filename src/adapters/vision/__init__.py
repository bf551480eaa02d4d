"""Food detector (YOLO through ONNX Runtime) and meal describer (Anthropic Claude)."""
