"""Serving the workbook: the Voilà servers, their kernels and what protects them.

``voila_patches/`` holds everything that reaches into Voilà's or jupyter_server's internals.
Nothing in the domain model imports this package.
"""
