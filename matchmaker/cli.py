"""Commands for operators and scripts (flask --app wsgi ...)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from models import db

from .auth import services as auth_services
from .errors import DomainError


@click.command("create-admin")
@click.option("--email", required=True)
@click.option("--password", required=True, help="at least 10 characters")
@with_appcontext
def create_admin(email: str, password: str) -> None:
    """Create an administrator, or reset that administrator's password."""
    try:
        user, created = auth_services.create_or_reset_admin(email=email, password=password)
    except DomainError as error:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.fields.items())
        raise click.ClickException(f"{error.message}: {problems}") from None
    db.session.commit()
    click.echo(f"{'created' if created else 'password reset for'} administrator {user.email}")


@click.command("seed")
@click.option("--enterprises", default=None, type=click.IntRange(1, 200_000),
              help="number of enterprises (default: the real platform's 5,928)")
@click.option("--seed", "seed_value", default=None, type=int, help="random seed (default 2022)")
@click.option("--quiet", is_flag=True, help="no progress bar")
@click.option("--if-empty", is_flag=True, help="do nothing (and succeed) when the database holds data")
@with_appcontext
def seed_command(enterprises: int | None, seed_value: int | None, quiet: bool, if_empty: bool) -> None:
    """Load the deterministic demo market into an empty database."""
    from flask import current_app

    from seed import DEFAULT_ENTERPRISES, DEFAULT_SEED, MarketNotEmpty, database_is_empty, load_market

    if if_empty and not database_is_empty():
        click.echo("database already holds data: demo market not loaded")
        return
    try:
        summary = load_market(
            enterprises=enterprises or DEFAULT_ENTERPRISES,
            seed=DEFAULT_SEED if seed_value is None else seed_value,
            credentials_path=current_app.instance_path,
            progress=not quiet,
        )
    except MarketNotEmpty as error:
        raise click.ClickException(str(error)) from None
    for key, value in summary.items():
        click.echo(f"{key}: {value}")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_command)
