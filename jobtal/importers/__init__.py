"""Importers: published aggregate statistics (Statistics Denmark's statbank, jobindsats.dk) as data
packages of tidy series."""
