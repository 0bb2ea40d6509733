"""Exports for meetings and monthly reports: pure functions from one ExportData to the bytes of a file.

Every number an export shows comes from `data.gather`, the one place that
reads the metrics for exports. No module here imports Streamlit.
"""
