"""make bench: every benchmark, one line per figure (BENCH <name> <value> <unit>)."""
from bench import admin, family, grade, hostile, load, loans, ranking, real_data

ranking.main()
family.main([])
grade.main()
loans.main()
real_data.main()
admin.main()
hostile.main()
load.main()
