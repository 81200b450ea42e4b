"""The text pane and everything drawn in it.

Highlights, the label band, relation arcs, hit-testing and the span index.
"""
