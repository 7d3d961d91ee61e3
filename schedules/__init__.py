"""Crawls on a timetable: schedule files, the runner, cron/systemd installers, locks."""
