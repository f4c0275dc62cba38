"""Batch and watch jobs: the SQLite store, worker processes, the folder runner and watcher."""
