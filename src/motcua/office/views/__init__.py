"""Back-office pages under /office/ (server-rendered, htmx partials, no CDN)."""
