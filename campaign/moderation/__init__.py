"""Moderation: the queue, the entry state machine (one or two stages), rejection reasons, takedown."""
