"""Campaign setup: window, entry methods, terms, consent scopes, products, prizes."""
