"""Exports for policymakers: every catalogue chart as PNG, SVG, PDF, HTML, CSV
and XLSX, and a briefing pack (PDF or HTML), each carrying its sources,
reference period and export date. No Streamlit here except in buttons.py.
"""
