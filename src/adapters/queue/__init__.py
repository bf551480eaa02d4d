"""Task queues (taskiq): in-process in the embedded profile, Redis streams in production."""
