import sys
from pathlib import Path

# The benchmark's modules live next to it (scripts/bench/), importable the way scripts/bench.py
# and its gunicorn import them: as top-level modules with that folder on the path.
BENCH_DIR = Path(__file__).resolve().parents[2] / "scripts" / "bench"
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
