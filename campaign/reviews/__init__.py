"""Product reviews republished from approved, consented entries."""
