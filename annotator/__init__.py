"""Arabic annotator: offline annotation of Arabic text for information extraction."""

__version__ = "0.1.0"
