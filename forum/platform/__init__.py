"""Infrastructure below everything: database settings, statement counts, production checks, security headers, throttling, static assets, mail transport, interface languages."""
