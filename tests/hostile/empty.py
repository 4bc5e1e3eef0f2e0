"""An empty submission."""
