"""Whole texts: the brochure passes, administrative French fails."""

from pathlib import Path

import pytest

from bot.falc.check import check_text
from bot.falc.collect import Text

BROCHURE = (
    Path(__file__).resolve().parents[3] / "shared" / "seed" / "mon-espace-sante-facile-a-lire.txt"
)

# The brochure itself uses a few state passives ("Je suis informé", "sont rangés"): the linter
# is stricter than the brochure there, on purpose (SPEC §6: no passive voice).
BROCHURE_PASSIVES = {
    "Mon espace santé est maintenant créé.",
    "Mes documents médicaux sont mis",
    "sont rangés ensemble dans mon espace santé.",
    "Je suis informé quand un professionnel de santé a",
    "je suis mieux soigné !",
}

ADMINISTRATIVE = [
    "Veuillez vous munir de votre attestation de droits préalablement à toute démarche.",
    "Votre demande a été prise en compte et sera traitée dans les meilleurs délais.",
    "L'usager est invité à renseigner l'ensemble des champs obligatoires du formulaire.",
    "Conformément à l'article L. 1111-18 du CSP, votre DMP est consultable par les PS.",
    "Le RDV du 03/12 à 10h avec le Dr Martin est confirmé.",
    "Le taux de remboursement s'élève à 70 % du tarif de convention.",
    "Vous ne pouvez pas accéder au service si vous n'avez pas activé votre compte.",
    "Il est recommandé de consulter votre médecin traitant.",
    "Le ticket modérateur est fixé à 1,50 euro par boîte.",
    "Les dispositions du titre IV s'appliquent à compter de la date d'effet.",
    "Vous disposez d'un délai de trente jours pour contester la décision.",
    "Votre courriel a bien été réceptionné par nos services.",
]


def errors(text: str) -> list[str]:
    return [f.rule for f in check_text(Text("t", "test", 1, text)).active if f.level == "error"]


@pytest.mark.parametrize("sentence", ADMINISTRATIVE)
def test_administrative_french_fails(sentence):
    assert errors(sentence)


def test_whole_brochure_passes_except_its_passives():
    if not BROCHURE.exists():
        pytest.skip(f"brochure not found at {BROCHURE}")
    lines = [ln.strip() for ln in BROCHURE.read_text(encoding="utf-8").split("\n") if ln.strip()]
    assert len(lines) > 100
    failing = {ln: errors(ln) for ln in lines}
    failing = {ln: e for ln, e in failing.items() if e}
    assert set(failing) == BROCHURE_PASSIVES
    assert all(e == ["passive"] for e in failing.values())
