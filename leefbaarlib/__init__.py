"""leefbaarlib: the logic behind the leefbaar notebooks (onderzoek, inzoomen, actie, resultaat)."""

__version__ = "0.1.0"
