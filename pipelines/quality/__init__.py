"""Data quality: the accounting identities of domain.md, checked per document."""
