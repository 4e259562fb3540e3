"""make bench: every benchmark, one line per figure (BENCH <name> <value> <unit>)."""
from bench import admin, load, ranking, real_data

ranking.main()
real_data.main()
admin.main()
load.main()
