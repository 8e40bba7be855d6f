"""The pure core of Attune: clinical rules and calculations, no I/O and no frameworks."""
