"""Personal data that does not outlive its purpose: erasure, retention, requests by email, CDN purge."""
