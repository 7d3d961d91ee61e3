/* consent manager and ads loader (placeholder) */
