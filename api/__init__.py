"""The HTTP front end: create_app (api.app) and serve_http (api.server)."""
