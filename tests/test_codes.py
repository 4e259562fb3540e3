"""The engine's plain code lists (``matchmaker/ranking/codes.py``, kept free of the ORM) and the seed's
law say the same as the data model's enums: a code added or reordered in one place alone fails here."""
from matchmaker.ranking import codes
from models import Certification, CreditRating, Industry, ProductKind
from seed import approval_law


def test_the_engines_code_lists_are_the_data_models():
    assert codes.INDUSTRIES == tuple(Industry.values())
    assert codes.INDUSTRY_LABELS == tuple(m.label for m in Industry)
    assert codes.CERTIFICATIONS == tuple(Certification.values())
    assert codes.CERTIFICATION_LABELS == tuple(m.label for m in Certification)
    assert codes.KINDS == tuple(ProductKind.values())
    assert codes.KIND_LABELS == tuple(m.label for m in ProductKind)
    assert codes.RATINGS == tuple(CreditRating.values())
    assert codes.RATING_RANK == {m.value: m.rank for m in CreditRating}


def test_the_engine_and_the_seeds_law_group_the_kinds_alike():
    assert codes.IP_BASED_KINDS == approval_law.IP_BASED_KINDS <= set(codes.KINDS)
    assert codes.SECURED_KINDS == approval_law.SECURED_KINDS <= set(codes.KINDS)
    assert codes.NON_LENDING_KINDS == approval_law.NON_LENDING_KINDS <= set(codes.KINDS)
    assert codes.RATING_RANK == approval_law.RATING_RANK
