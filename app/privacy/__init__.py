"""An organisation's personal data: download all of it, or delete its account."""
