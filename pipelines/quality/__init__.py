"""Data quality: the accounting identities of domain.md, checked per document.

Entry point: run_quality_checks (pipelines.quality.engine). Check ids and titles:
pipelines.quality.catalogue. The rounding rule: pipelines.quality.tolerance. Suites:
expectations/*.json, run by pipelines.quality.gx.
"""

from pipelines.quality.engine import QualitySummary, run_quality_checks
from pipelines.quality.gx import QualityEngineError

__all__ = ["QualityEngineError", "QualitySummary", "run_quality_checks"]
