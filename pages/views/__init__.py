"""The page scripts, in navigation order: (name, Material icon). Each page's script is
``pages/views/<name>.py``, its URL path ``/<name>`` and its title the string ``page.<name>``."""

PAGES = (
    ("dashboard", ":material/monitoring:"),
    ("region", ":material/location_on:"),
    ("pipeline", ":material/filter_alt:"),
    ("scorecard", ":material/leaderboard:"),
    ("alerts", ":material/warning:"),
    ("reps", ":material/badge:"),
    ("market_order", ":material/gavel:"),
    ("customers", ":material/groups:"),
    ("data", ":material/database:"),
    ("importer", ":material/upload_file:"),
)
