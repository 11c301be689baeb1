"""werkboek.model."""
