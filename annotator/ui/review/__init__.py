"""Review mode: annotator panes, disagreements, accepting versions into gold, curation."""
