"""make bench: every benchmark, one line per figure (BENCH <name> <value> <unit>)."""
from bench import admin, hostile, load, ranking, real_data

ranking.main()
real_data.main()
admin.main()
hostile.main()
load.main()
