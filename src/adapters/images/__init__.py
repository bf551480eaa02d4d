"""Image intake (decode, limits, metadata removal) and image stores."""
