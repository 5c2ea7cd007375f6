"""motcua: one-stop public administrative service centers for Vietnam."""

__version__ = "0.1.0"
