"""The web UI and JSON API (`homeward serve`); see `web.app.create_app`."""

from web.app import create_app

__all__ = ["create_app"]
