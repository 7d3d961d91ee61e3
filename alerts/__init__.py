"""Alerts: saved searches evaluated after each crawl, and their deliveries."""
