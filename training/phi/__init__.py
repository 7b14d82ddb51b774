"""PHI detection for de-identification: annotated note families, recognizers and the tagger."""
