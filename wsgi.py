"""The WSGI entry point: gunicorn wsgi:app, flask --app wsgi ..."""
from matchmaker import create_app

app = create_app()
