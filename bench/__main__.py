"""make bench: every benchmark, one line per figure (BENCH <name> <value> <unit>)."""
from bench import admin, family, hostile, load, ranking, real_data

ranking.main()
family.main([])
real_data.main()
admin.main()
hostile.main()
load.main()
