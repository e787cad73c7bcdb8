"""The public JSON API v1 and the private export API (API keys)."""
