"""Food analysis: what is on the plate, how much, and how sure we are."""
