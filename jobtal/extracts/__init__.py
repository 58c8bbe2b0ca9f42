"""Stage 1: find the data package of extracts, check it, and load it for the indicators."""
