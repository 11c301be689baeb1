"""werkboek.formats."""
