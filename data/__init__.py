"""The data contract of Sales Cockpit: schema, snapshot store, validation, demo data."""
