"""The matching engine: pure numpy and scikit-learn, no Flask and no database.

Callers hand in needs (with their firm's facts) and products as data frames; the engine returns
eligibility, scores and reasons. ``matchmaker.matching`` is the service that feeds it from the
database and stores what it learns.
"""
