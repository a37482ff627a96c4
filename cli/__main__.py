"""`python -m cli` runs the console script."""
from cli.main import run

run()
