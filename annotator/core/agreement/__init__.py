"""Inter-annotator agreement, in pure Python: span F1, token coefficients, α_U,
events and relations, label confusion, per-document figures and bootstrap
intervals. Units, rules and formulas: docs/adr (agreement) and each module.
"""

from annotator.core.agreement.report import AgreementReport, compute
from annotator.core.agreement.tokentags import token_tags
from annotator.core.agreement.units import DocumentLayers, Layer, Options

__all__ = ["AgreementReport", "DocumentLayers", "Layer", "Options", "compute", "token_tags"]
