"""Head office (issue 18, R6.6): every branch's day bundles in one warehouse on an engine made
for it — a DuckDB file, or PostgreSQL when one file is outgrown — and the network's figures
computed there in SQL by the same definitions as the branch's own report (domain/kpis.py).

warehouse: the one schema both engines are given, and how each loads a batch of bundles.
summaries: what is summed of each bundle as it loads (arrivals, waits, rounds missed).
ingest: checking bundles (services/bundle.check_bundles) and loading them idempotently.
network: the network report.
"""
