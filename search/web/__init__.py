"""The web UI and JSON API (`homeward serve`); see `search.web.app.create_app`."""

from search.web.app import create_app

__all__ = ["create_app"]
