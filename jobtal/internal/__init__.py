"""The internal edition (SPEC section 9, issue 22): weekly management information per jobcentre,
team and caseworker, for the jobcentre's own intranet; never published.

    edition.py   `jobtal internal`: validate, compute, write the files and the site atomically
    engine.py    the weekly measures (measures/*.yaml over base.sql) and "Hvad virker"
    files.py     data/intern.csv and a CSV per team
    pages.py     the pages (markdown for mkdocs-material, the public site's look)

The public build never reads the internal resources (ExtractPackage.without_internal) and
drops the activities' caseworker_id right after validation (jobtal.stages.leave_out_internal)."""
