"""Model bytes that can be trusted: skops serialisation, a SHA-256, the library version, and an
explicit allow-list of types. Nothing read back goes through pickle or joblib."""
from __future__ import annotations

import hashlib

import sklearn
import skops.io as sio
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from .default_risk import FEATURES as DEFAULT_FEATURES
from .default_risk import DefaultRisk
from .features import FEATURES
from .model import MatchRanker

# Every type a stored MatchRanker may contain (beyond the numpy arrays and builtins skops trusts
# by default). The registry stores the compact model, so no scikit-learn internals are needed.
TRUSTED_TYPES = ["matchmaker.ranking.model.MatchRanker"]


# What scoring reads; a model stored by an older version without one of them is refused, not half-used.
SCORING_ATTRIBUTES = ["tables_", "slopes_", "cuts_", "shaped_", "fill_", "reference_", "intercept_", "kind_bias_",
                      "product_bias_", "product_ids_", "amount_", "n_kinds_", "n_features_in_", "classes_"]


class UntrustedModel(Exception):
    """The stored bytes do not match their hash, their library version, or the allowed types."""


def dumps(model: MatchRanker) -> tuple[bytes, str]:
    blob = sio.dumps(model.compact())
    untrusted = set(sio.get_untrusted_types(data=blob)) - set(TRUSTED_TYPES)
    if untrusted:
        # Refuse to store what could not be loaded again: the allow-list must name it first.
        raise UntrustedModel(f"model holds types outside the allow-list: {sorted(untrusted)}")
    return blob, hashlib.sha256(blob).hexdigest()


def loads(blob: bytes, *, sha256: str, sklearn_version: str, features: list[str]) -> MatchRanker:
    """``features``: the columns the model was trained on, as stored beside it; a model of another feature
    set (an older version of the ranker) would read this version's columns as its own."""
    if hashlib.sha256(blob).hexdigest() != sha256:
        raise UntrustedModel("model bytes do not match their SHA-256")
    if list(features or []) != FEATURES:
        raise UntrustedModel("model was trained on another set of features; train a new one")
    if sklearn_version != sklearn.__version__:
        raise UntrustedModel(
            f"model was trained with scikit-learn {sklearn_version}, this process runs {sklearn.__version__}"
        )
    untrusted = set(sio.get_untrusted_types(data=blob)) - set(TRUSTED_TYPES)
    if untrusted:
        raise UntrustedModel(f"model names types outside the allow-list: {sorted(untrusted)}")
    model = sio.loads(blob, trusted=TRUSTED_TYPES)
    if not isinstance(model, MatchRanker):
        raise UntrustedModel(f"expected a MatchRanker, found {type(model).__name__}")
    try:
        check_is_fitted(model, SCORING_ATTRIBUTES)
    except NotFittedError:
        raise UntrustedModel("stored model lacks what this version scores with; train a new one") from None
    return model


DEFAULT_TRUSTED_TYPES = ["matchmaker.ranking.default_risk.DefaultRisk"]


def dumps_default(model: DefaultRisk) -> tuple[bytes, str]:
    blob = sio.dumps(model)
    untrusted = set(sio.get_untrusted_types(data=blob)) - set(DEFAULT_TRUSTED_TYPES)
    if untrusted:
        raise UntrustedModel(f"default model holds types outside the allow-list: {sorted(untrusted)}")
    return blob, hashlib.sha256(blob).hexdigest()


def loads_default(blob: bytes, *, sha256: str, sklearn_version: str, features: list[str]) -> DefaultRisk:
    """The default-risk model stored beside a ranker, verified as the ranker is."""
    if hashlib.sha256(blob).hexdigest() != sha256:
        raise UntrustedModel("default model bytes do not match their SHA-256")
    if list(features or []) != DEFAULT_FEATURES:
        raise UntrustedModel("default model was trained on another set of features; train a new one")
    if sklearn_version != sklearn.__version__:
        raise UntrustedModel(f"default model was trained with scikit-learn {sklearn_version}")
    untrusted = set(sio.get_untrusted_types(data=blob)) - set(DEFAULT_TRUSTED_TYPES)
    if untrusted:
        raise UntrustedModel(f"default model names types outside the allow-list: {sorted(untrusted)}")
    model = sio.loads(blob, trusted=DEFAULT_TRUSTED_TYPES)
    if not isinstance(model, DefaultRisk):
        raise UntrustedModel(f"expected a DefaultRisk, found {type(model).__name__}")
    try:
        check_is_fitted(model, ["coef_", "intercept_", "mean_", "scale_", "cuts_", "cut_counts_"])
    except NotFittedError:
        raise UntrustedModel("stored default model is not fitted") from None
    return model
