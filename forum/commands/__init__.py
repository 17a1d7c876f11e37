"""Flask commands: demo data, delegations, backups, users, translations and each feature's groups."""
