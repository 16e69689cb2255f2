"""``python -m tei_edition`` runs the same command line as ``tei-edition``."""

from tei_edition.cli import main

if __name__ == "__main__":
    main()
