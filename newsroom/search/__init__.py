"""Chinese full-text search over articles, with one backend per database."""
