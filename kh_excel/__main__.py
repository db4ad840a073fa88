"""``python -m kh_excel`` runs the command line, like ``kh-excel``."""
from .cli.main import main

main()
