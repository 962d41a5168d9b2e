"""Entry point of `make bench`. The load scenarios and the data generator are added by the benchmark work."""

import sys

print("No benchmark is defined yet: see bench/README.md.")
sys.exit(0)
