"""The units and matching rules, in words, as every report states them."""

from __future__ import annotations

from annotator.core.agreement.units import Options

METHODS = {
    "annotators": "One layer per annotator per document; every pair of annotators is compared.",
    "span F1": (
        "Entity and value spans (not event triggers). F1 = 2·TP/(2·TP + only-in-A + only-in-B), "
        "counts summed over documents (micro); macro = mean of per-label F1 over labels either "
        "annotator used. Precision = TP/|A|, recall = TP/|B|."
    ),
    "exact match": "Same start, end and label (code-point offsets in the stored text).",
    "overlap match": (
        "Same label, at least one shared character; one-to-one, greedy by the number of shared "
        "characters (largest first, ties by position)."
    ),
    "boundaries match": "Same start and end, any label.",
    "token measures": (
        "Text-only tokens: camel-tools' simple_word_tokenize on the stored text "
        "(annotator.core.tokens.tokenize, no clitic rule), as the CoNLL export writes them; "
        "IOB2 tags; 'O' (untagged) is a category; spans whose start or end falls inside a token "
        "are left out and counted. Coefficients over all tokens of all documents."
    ),
    "coefficients": (
        "Cohen's κ per pair; Fleiss' κ; Krippendorff's α (nominal, coincidence matrix); "
        "Gwet's AC1 with q = number of tags observed in the compared data."
    ),
    "α_U": (
        "Krippendorff's unitizing α per label over the character continuum, as DKPro Agreement's "
        "KrippendorffAlphaUnitizingAgreement computes it; documents are laid end to end, in "
        "document order, into one continuum. Overlapping units of one label by one annotator "
        "are reduced to the outermost. Overall α_U = 1 − mean(D_o)/mean(D_e) over labels."
    ),
    "events": (
        "ACE levels: trigger identification (offsets), trigger classification (+ event type), "
        "argument identification (argument offsets + event type), argument classification "
        "(+ role); multiset matching per pair."
    ),
    "relations": (
        "Typed ends: relation type + both ends' offsets and labels; offsets only: type + both "
        "ends' offsets."
    ),
    "confusion": (
        "Overlapping spans paired one-to-one whatever their label (largest overlap first, same "
        "label preferred on ties); 'none' for a span with no partner. Rows: the first "
        "annotator of each pair; summed over pairs and documents."
    ),
    "per document": "Headline figures per document, worst exact span F1 first.",
    "against gold": (
        "With --gold: each annotator's entity and value spans (A) against the gold layer (B), "
        "exact and overlap match as above; precision = TP/|annotator|, recall = TP/|gold|."
    ),
}


def option_notes(options: Options) -> dict[str, str]:
    """The options in words."""
    levels = (
        "outermost level only"
        if options.levels == 1
        else f"levels 1-{options.levels}, each the outermost of what is left"
    )
    return {
        "nested levels (token measures)": levels,
        "labels": ", ".join(sorted(options.labels)) or "all",
        "bootstrap": (
            f"{options.resamples} resamples of documents with replacement, seed {options.seed}, "
            "percentile 95% interval (2.5th-97.5th, linear interpolation); α_U is not resampled"
        ),
    }
