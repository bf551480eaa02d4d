"""Use cases for biometrics, emotions and wellness."""
