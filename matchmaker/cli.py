"""Commands for operators and scripts (flask --app wsgi ...)."""
from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

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
@click.option("--equity", is_flag=True, help="add fund managers up to the plan's 50 investment institutions")
@with_appcontext
def seed_command(enterprises: int | None, seed_value: int | None, quiet: bool, if_empty: bool, equity: bool) -> None:
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
            investors=current_app.config["EQUITY_TARGET_INVESTORS"] if equity else None,
        )
    except MarketNotEmpty as error:
        raise click.ClickException(str(error)) from None
    from models import db

    from .loans import warnings

    # The seeded loans' warnings, as the daily scan would raise them (the seed itself knows only the models).
    summary["risk_warnings"] = warnings.scan()
    from .policy import entitlements

    # What the seeded firms are owed under the seeded policies (免申即享), as the nightly task would find it.
    summary["entitlements"] = entitlements.refresh(tell=False)
    db.session.commit()
    for key, value in summary.items():
        click.echo(f"{key}: {value}")


ranker = AppGroup("ranker", help="Train and evaluate the matching ranker.")
METRIC_COLUMNS = ("oracle_ndcg_at_5", "ndcg_at_5", "map_at_5", "recall_at_10", "auc", "brier", "ece", "gap_closed")


def _table(metrics: dict) -> str:
    lines = [f"{'order':<10}" + "".join(f"{c:>14}" for c in METRIC_COLUMNS)]
    for name in ("model", "active", "rules", "random", "oracle"):
        if name not in metrics:
            continue
        cells = []
        for column in METRIC_COLUMNS:
            value = metrics[name].get(column)
            cells.append(f"{'—' if value is None else format(value, '.4f'):>14}")
        lines.append(f"{name:<10}" + "".join(cells))
    held = metrics.get("_heldout")
    if held:
        lines.append(f"held out: {held['needs']} needs, {held['applications']} decided applications "
                     f"({held['positives']} approved)")
    return "\n".join(lines)


@ranker.command("train")
@click.option("--if-none-active", is_flag=True, help="do nothing when a model is already active")
@with_appcontext
def ranker_train(if_none_active: bool) -> None:
    """Fit on every decided application; activate the model if it beats the active one. Refused while
    another training runs (from the page, the API or another shell)."""
    from .admin import ranker as ranker_ops
    from .matching import scorer

    active = scorer.current()
    # A model stored by an older version of the ranker cannot be loaded (the rules score serves instead):
    # that counts as none, so an upgrade trains a new one.
    if if_none_active and active.model is not None:
        click.echo(f"ranker {active.version} is active: not training")
        return
    started = time.perf_counter()
    try:
        job = ranker_ops.train_here(echo=lambda message: click.echo(f"  {message} …"))
    except DomainError as error:  # another training is queued or running
        raise click.ClickException(error.message) from None
    if job.status != "succeeded":
        if if_none_active:
            click.echo(f"not trained: {job.error}")
            return
        raise click.ClickException(job.error or job.status)
    result = job.result
    click.echo(f"model {result['model_version']} trained on {result['trained_rows']} applications "
               f"in {time.perf_counter() - started:.1f} s; "
               + ("activated" if result["activated"] else "NOT activated (it does not beat the active order)"))
    click.echo(_table({"model": result["metrics"], **result["baselines"]}))
    risk = result.get("default_metrics") or {}
    if "auc" in risk:
        click.echo(f"default risk: learned from {risk['loans']} loans ({risk['defaults']} went bad, base rate "
                   f"{risk['base_rate']:.2%}); on the latest {risk['holdout_loans']} held out: AUC {risk['auc']:.3f}, "
                   f"Brier {risk['brier']:.4f} against {risk['brier_base_rate']:.4f} for the base rate")
    elif risk:
        click.echo(f"default risk: not learned ({risk.get('loans', 0)} loans, {risk.get('defaults', 0)} went bad)")
    deals = result.get("equity_metrics")
    if deals:
        held = (f"; on the latest {deals['holdout_rows']} held out: AUC {deals['auc']:.3f} against "
                f"{deals['rules_auc']:.3f} for the profile rules alone, "
                + ("so it joins the rules in the score" if deals["used"] else "so the rules alone rank")) \
            if "auc" in deals else ""
        click.echo(f"equity fit: learned from {deals['trained_rows']} interests ({deals['progressed']} reached due "
                   f"diligence){held}")


@ranker.command("evaluate")
@with_appcontext
def ranker_evaluate() -> None:
    """Print the active order's metrics on the hold-out beside the baselines."""
    from .matching import services

    try:
        result = services.evaluate()
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"active order: {result['model_version']}")
    click.echo(_table(result["metrics"]))


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path: str) -> None:
    """Write a checked copy of the database to PATH (SQLite file or pg_dump custom format)."""
    from .backup import BackupError, backup

    try:
        result = backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(result["tables"].values())
    click.echo(f"backup written to {result['path']}: {result['bytes']:,} bytes, {rows:,} rows in "
               f"{len(result['tables'])} tables, integrity checked")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@with_appcontext
def restore_command(path: str, yes: bool) -> None:
    """Replace the database's contents with the backup at PATH (checked first)."""
    from .backup import BackupError, restore

    if not yes:
        click.confirm(f"Replace every row of the database with {path}?", abort=True)
    try:
        result = restore(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {path}: {sum(result['tables'].values()):,} rows in {len(result['tables'])} tables")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(ranker)
