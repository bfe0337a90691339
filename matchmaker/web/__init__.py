"""What every page shares: domain errors mapped to HTTP, languages, templating, security
headers, the request's transaction, rate limits, links for e-mails, and the site's own pages
(home, health check, language switcher)."""
