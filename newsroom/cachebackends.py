"""The page cache's backend for a folder: diskcache's Django backend, kept open.

Django closes every cache at the end of each request (``request_finished``); diskcache's
backend then closes the SQLite connections of its shards, and opening them again (with their
PRAGMAs) cost 3.5 ms of CPU a request, ten times a cache hit's own work. Each thread keeps its
connections for its life instead (diskcache opens new ones in a forked process by itself).
"""

from __future__ import annotations

from diskcache import DjangoCache


class FolderCache(DjangoCache):
    """diskcache.DjangoCache whose connections outlive the request."""

    def close(self, **kwargs) -> None:
        """Keep the shards' connections: the next request of this thread reuses them."""
