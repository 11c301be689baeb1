"""werkboek_widgets.ballot."""
