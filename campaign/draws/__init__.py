"""Giveaway draws: seed commitments, verifiable draws, winners, claims and shipping."""
