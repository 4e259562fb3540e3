"""make bench: every benchmark, one line per figure (BENCH <name> <value> <unit>)."""
from bench import admin, family, grade, hostile, load, ranking, real_data

ranking.main()
family.main([])
grade.main()
real_data.main()
admin.main()
hostile.main()
load.main()
