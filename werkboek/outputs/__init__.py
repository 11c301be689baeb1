"""werkboek.outputs."""
