"""The task workers' entry point: ``celery -A matchmaker.worker:celery worker`` (add ``-B`` on one of them
for the sweep that hands a dead worker's job to another; ``make run`` does both)."""
from matchmaker import create_app

app = create_app()
celery = app.extensions["celery"]
