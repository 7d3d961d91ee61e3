"""Spiders of the Homeward crawler (Scrapy finds them through SPIDER_MODULES)."""
