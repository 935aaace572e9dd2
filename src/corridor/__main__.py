"""``python -m corridor`` runs the command line."""

from corridor.cli.app import main

main()
