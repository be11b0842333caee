"""``python -m lodpub`` runs the command line."""

from .cli import main

main()
