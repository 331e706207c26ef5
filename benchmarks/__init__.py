"""Scripts that print performance figures; run them as modules from the repository root."""
