"""Customer submissions: photo, caption, rating, consent, and their web derivatives."""
