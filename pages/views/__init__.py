"""The page scripts, in navigation order: (name, Material icon). Each page's script is
``pages/views/<name>.py``, its URL path ``/<name>`` and its title the string ``page.<name>``."""

PAGES = (
    ("dashboard", ":material/monitoring:"),
    ("pipeline", ":material/filter_alt:"),
    ("scorecard", ":material/leaderboard:"),
    ("alerts", ":material/warning:"),
    ("customers", ":material/groups:"),
    ("data", ":material/database:"),
    ("importer", ":material/upload_file:"),
)
