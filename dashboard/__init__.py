"""The Streamlit dashboard. Pages render; warehouse.queries computes; charts draws."""
