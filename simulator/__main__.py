"""``python -m simulator`` runs wincc-sim."""

from .cli import main

main()
