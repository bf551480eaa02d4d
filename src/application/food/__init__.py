"""Use cases of the food analysis: upload, process, read, correct, and the history."""
