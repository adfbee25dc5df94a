"""From a disclosure PDF to canonical records: recognition, table location, extraction."""

# Bumped whenever extraction output can change, so that documents are extracted again.
EXTRACTOR_VERSION = "0.6.0"
