"""What every platform adapter shares: the surface, the conductor, commands, texts, limits."""
