"""Stage 2: the indicators, defined once (definitions/*.yaml) and computed by SQL on DuckDB."""
