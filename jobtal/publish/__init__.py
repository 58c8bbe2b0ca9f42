"""Stages 4-6: the published data files, the charts and pages, and the static site."""
