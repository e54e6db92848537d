"""cjkpress: print-quality PDF and EPUB 3 from Chinese white-paper text."""

__version__ = "0.1.0"
