"""polyplan: multilingual government plan documents to structured, cross-checked data."""

__version__ = "0.1.0"
