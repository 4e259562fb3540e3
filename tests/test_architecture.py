"""Imports point one way (ARCHITECTURE.md): a module imports only from its own layer or the layers
below, and the feature folders only from the ones below them. A new import that points the wrong
way fails here; the few that still do are listed, each with why, and the list may only shrink."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top. The engine is pure numpy and scikit-learn; the ground is what every feature uses
# (configuration, errors, the audit trail, tenancy, the task queue, e-mail); features hold the
# domain's rules; pages and the API are thin over the features; the wiring builds the app.
LAYERS = ("engine", "ground", "feature", "surface", "wiring")
FEATURES = ("auth", "credit", "products", "loans", "listing", "equity", "policy", "applications", "needs", "documents", "matching", "enterprise", "institution",
            "public", "admin")
# Among the features, bottom to top (equal numbers may not import each other either).
FEATURE_ORDER = {"auth": 0, "credit": 0, "products": 1, "loans": 1, "listing": 1, "equity": 1, "policy": 2, "applications": 2, "needs": 3, "documents": 3, "matching": 4, "enterprise": 5,
                 "institution": 5, "public": 5, "admin": 6}
# A folder's pages (views, forms) and its JSON API (api) are the surface, wherever the folder sits.
SURFACE_FILES = ("views", "forms", "api")

# (importer, imported): why it still points the wrong way. Remove an entry when it is mended.
KNOWN: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, resolved to a module of the tree
    where it names one (``from .. import audit`` → matchmaker.audit)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            submodules = {f"{module}.{alias.name}" for alias in node.names if _exists(f"{module}.{alias.name}")}
            found.update(submodules)
            if len(submodules) < len(node.names):  # a name defined in the module (or its package) itself
                found.add(module)
    return {module for module in found if _exists(module)}


def _exists(module: str) -> bool:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def layer(module: str) -> str:
    parts = module.split(".")
    if module in ("matchmaker", "matchmaker.cli", "matchmaker.worker"):
        return "wiring"
    if parts[1] == "ranking":
        return "engine"
    if parts[1] == "api" or (len(parts) > 2 and parts[-1] in SURFACE_FILES):
        return "surface"
    if parts[1] in FEATURES:
        return "feature"
    return "ground"


def _is_api(module: str) -> bool:
    return module.split(".")[1] == "api" or module.split(".")[-1] == "api"


def wrong_way(importer: str, imported: str) -> str | None:
    if not imported.startswith("matchmaker.") or imported == importer:
        return None
    low, high = LAYERS.index(layer(imported)), LAYERS.index(layer(importer))
    if low > high:
        return f"{layer(importer)} imports {layer(imported)}"
    if layer(importer) == "wiring":
        return None
    mine, theirs = importer.split(".")[1], imported.split(".")[1]
    if layer(importer) == layer(imported) == "surface":
        if _is_api(importer) != _is_api(imported) and theirs != "api":
            return "pages and the API import each other"
        if mine != theirs and theirs != "api":
            return "one folder's surface imports another's"
    # Pages and API handlers compose the features they show; a feature imports only those below it.
    if layer(imported) == "feature" and layer(importer) == "feature":
        if mine != theirs and FEATURE_ORDER[theirs] >= FEATURE_ORDER[mine]:
            return f"feature {mine} imports feature {theirs}, which is not below it"
    return None


def project_imports(folder: str):
    for path in sorted((ROOT / folder).rglob("*.py")):
        yield module_name(path), imports(path)


def test_imports_point_one_way():
    found = {}
    for importer, imported_modules in project_imports("matchmaker"):
        for imported in imported_modules:
            if (why := wrong_way(importer, imported)) is not None:
                found[(importer, imported)] = why
    new = {pair: why for pair, why in found.items() if pair not in KNOWN}
    assert not new, "imports that point the wrong way (see ARCHITECTURE.md):\n" + "\n".join(
        f"  {a} → {b}: {why}" for (a, b), why in sorted(new.items()))
    mended = set(KNOWN) - set(found)
    assert not mended, f"mended, so take them off KNOWN: {sorted(mended)}"


def test_the_engine_models_and_seed_stand_alone():
    for importer, imported_modules in project_imports("matchmaker/ranking"):
        outside = {m for m in imported_modules if not m.startswith("matchmaker.ranking")}
        assert not outside, f"{importer} imports {outside}: the engine knows no Flask, database or feature"
        source = (ROOT / (importer.replace(".", "/") + ".py")).read_text() if not importer.endswith("ranking") else ""
        assert "import flask" not in source and "from flask" not in source and "from models" not in source
    for folder, allowed in (("models", ("models",)), ("seed", ("models", "seed"))):
        for importer, imported_modules in project_imports(folder):
            stray = {m for m in imported_modules if not m.startswith(allowed)}
            assert not stray, f"{importer} imports {stray}: {folder} imports only {allowed}"


def test_the_rules_catch_a_wrong_way_import():
    # The checker itself: each kind of wrong way is named, the right ways pass.
    assert wrong_way("matchmaker.errors", "matchmaker.api.access") == "ground imports surface"
    assert wrong_way("matchmaker.matching.services", "matchmaker.admin.views") == "feature imports surface"
    assert wrong_way("matchmaker.needs.schemas", "matchmaker.needs.api") == "feature imports surface"
    assert wrong_way("matchmaker.ranking.model", "matchmaker.config") == "engine imports ground"
    assert wrong_way("matchmaker.views", "matchmaker.auth.current") == "ground imports feature"
    assert wrong_way("matchmaker.admin.views", "matchmaker.admin.api") == "pages and the API import each other"
    assert wrong_way("matchmaker.needs.api", "matchmaker.needs.forms") == "pages and the API import each other"
    assert wrong_way("matchmaker.needs.views", "matchmaker.applications.views") == "one folder's surface imports another's"
    assert "not below it" in wrong_way("matchmaker.applications.services", "matchmaker.needs.services")
    assert "not below it" in wrong_way("matchmaker.enterprise.services", "matchmaker.institution.services")
    assert "not below it" in wrong_way("matchmaker.products.services", "matchmaker.matching.reach")
    assert wrong_way("matchmaker.products.views", "matchmaker.matching.reach") is None  # pages compose features
    assert wrong_way("matchmaker.admin.views", "matchmaker.admin.stats") is None
    assert wrong_way("matchmaker.needs.api", "matchmaker.needs.services") is None
    assert wrong_way("matchmaker.needs.api", "matchmaker.api.access") is None
    assert wrong_way("matchmaker.needs.views", "matchmaker.views") is None
    assert wrong_way("matchmaker.needs.services", "matchmaker.applications.services") is None
    assert wrong_way("matchmaker", "matchmaker.needs.api") is None
