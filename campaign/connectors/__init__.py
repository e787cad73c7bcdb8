"""Follow-and-post checks against the social networks' APIs, behind one interface (`base.Connector`)."""
