"""werkboek.demo.workshop."""
