"""Biometrics, emotions and wellness: pure policies measured against a personal baseline."""
