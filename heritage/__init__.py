"""heritage-registry."""
