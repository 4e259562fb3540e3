"""make bench: every benchmark, one line per figure (BENCH <name> <value> <unit>)."""
from bench import ranking, real_data

ranking.main()
real_data.main()
