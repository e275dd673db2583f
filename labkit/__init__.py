"""labkit: a workshop kit for Danish læringslabs (data, focus areas, indsatsteori, handouts)."""

__version__ = "0.2.0"
