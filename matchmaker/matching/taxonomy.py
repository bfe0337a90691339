"""How related the contract's sectors are, for partial sector overlap.

1.0 on the diagonal; a related pair counts partly (tractors ~ agri-machinery ~ logistics for
haulage, mining sectors ~ construction machinery, leather ~ footwear ~ textiles, ...).
"""

from __future__ import annotations

import numpy as np

SECTORS: tuple[str, ...] = (
    "tractors",
    "agri-machinery",
    "electric-buses",
    "auto-parts",
    "transformers",
    "mining-coal",
    "mining-precious",
    "iron-ore",
    "construction-machinery",
    "concrete",
    "textiles",
    "rice",
    "citrus",
    "food-processing",
    "leather",
    "footwear",
    "medical-instruments",
    "agri-research",
    "logistics",
)

COOPERATION_TYPES: tuple[str, ...] = (
    "assembly",
    "manufacturing",
    "licensing",
    "distribution",
    "export",
    "investment",
    "research",
    "services",
)

RELATED: dict[tuple[str, str], float] = {
    ("tractors", "agri-machinery"): 0.7,
    ("tractors", "auto-parts"): 0.5,
    ("tractors", "logistics"): 0.4,
    ("agri-machinery", "agri-research"): 0.5,
    ("agri-machinery", "rice"): 0.3,
    ("agri-machinery", "auto-parts"): 0.3,
    ("electric-buses", "auto-parts"): 0.5,
    ("electric-buses", "transformers"): 0.4,
    ("electric-buses", "logistics"): 0.3,
    ("mining-coal", "mining-precious"): 0.5,
    ("mining-coal", "iron-ore"): 0.6,
    ("mining-coal", "construction-machinery"): 0.6,
    ("mining-coal", "logistics"): 0.3,
    ("mining-precious", "iron-ore"): 0.5,
    ("mining-precious", "construction-machinery"): 0.4,
    ("iron-ore", "construction-machinery"): 0.6,
    ("construction-machinery", "concrete"): 0.6,
    ("textiles", "leather"): 0.4,
    ("textiles", "footwear"): 0.3,
    ("leather", "footwear"): 0.7,
    ("rice", "food-processing"): 0.6,
    ("rice", "agri-research"): 0.4,
    ("citrus", "food-processing"): 0.5,
    ("citrus", "agri-research"): 0.3,
    ("citrus", "logistics"): 0.3,
    ("food-processing", "logistics"): 0.3,
    ("food-processing", "agri-research"): 0.3,
    ("auto-parts", "logistics"): 0.2,
}


def relatedness_matrix() -> np.ndarray:
    index = {code: i for i, code in enumerate(SECTORS)}
    matrix = np.eye(len(SECTORS))
    for (a, b), weight in RELATED.items():
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = weight
    return matrix


def relatedness(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return RELATED.get((a, b)) or RELATED.get((b, a)) or 0.0
