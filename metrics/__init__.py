"""Every number Sales Cockpit shows: pure functions ``f(con, view)`` computed in DuckDB SQL.

Nothing here imports Streamlit, so tests and the headless report call the same functions.
"""
